import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { LocalRepoStore } from '@slipway/git';
import { createRouter } from './router';

/**
 * Serves Slipway's local Git repos (`<slipway.dataDir>/repos/<name>.git`) read-only at
 * `/api/slipway`: smart-HTTP clone/fetch under `/git`, a listing and raw files under
 * `/repos`. Both are open to unauthenticated callers, like a public Git server on
 * localhost, because `git clone` and the catalog's URL reader send no Backstage token.
 *
 * @public
 */
export const slipwayPlugin = createBackendPlugin({
  pluginId: 'slipway',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
      },
      async init({ httpRouter, config, logger, discovery }) {
        const dataDir = config.getOptionalString('slipway.dataDir');
        // Relative to the backend's working directory, like other paths in app-config.
        const store = dataDir ? LocalRepoStore.forDataDir(dataDir) : undefined;
        if (store) logger.info(`Serving local Git repositories read-only from ${store.reposDir}`);
        else logger.warn('slipway.dataDir is not set: no local Git repositories are served (routes answer 503)');

        httpRouter.use(createRouter({ store, logger, config, apiBaseUrl: () => discovery.getExternalBaseUrl('slipway') }));
        httpRouter.addAuthPolicy({ path: '/git', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/repos', allow: 'unauthenticated' });
      },
    });
  },
});

import Router from 'express-promise-router';
import type { LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import type { LocalRepoStore } from '@slipway/git';
import { createGitRoutes } from './gitRoutes';
import { createPublisherRoutes } from './publisherRoutes';
import { createRepoRoutes } from './repoRoutes';

export type { RepoListItem } from './repoRoutes';

export interface SlipwayRouterOptions {
  /** Undefined when `slipway.dataDir` is not configured: every route then answers 503. */
  store: LocalRepoStore | undefined;
  logger: LoggerService;
  /** The plugin's external base URL (`<backend.baseUrl>/api/slipway`), for clone URLs. */
  apiBaseUrl: () => Promise<string>;
  /** Read for `/publishers` (which integrations have credentials). */
  config: RootConfigService;
}

export function createRouter(options: SlipwayRouterOptions) {
  const router = Router();
  const { store } = options;
  router.use(createPublisherRoutes({ config: options.config, localAvailable: store !== undefined }));
  if (!store) {
    router.use((_req, res) => {
      res.status(503).type('text/plain').send('slipway: slipway.dataDir is not configured, so there are no local repositories to serve\n');
    });
    return router;
  }
  router.use(createGitRoutes({ store, logger: options.logger }));
  router.use(createRepoRoutes({ store, apiBaseUrl: options.apiBaseUrl }));
  return router;
}

import path from 'path';
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type { GoldenPath } from '@slipway/common';
import { checkGoldenPathParts } from '@slipway/validate';
import { githubPublishingHosts, LocalRepoStore } from '@slipway/git';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { createGenerateAction } from './actions/generate';
import { createPublishLocalAction, DEFAULT_GIT_AUTHOR } from './actions/publishLocal';
import { createPublishLocalFinishAction } from './actions/publishLocalFinish';
import { createServiceGenerateAction } from './actions/serviceGenerate';
import { createSystemGenerateAction } from './actions/systemGenerate';
import { slipwayGoldenPathsExtensionPoint } from './extensions';
import { createValidateAction } from './actions/validate';
import { reconcilePublishesWithRetry } from './recovery/reconcilePublishes';

/**
 * The Slipway scaffolder module: registers `slipway:generate` (every golden path, built-in
 * and added through `slipwayGoldenPathsExtensionPoint`), `slipway:system:generate` (a whole system's
 * repos, each part through its golden path), `slipway:service:generate` (node-service,
 * for older templates), `slipway:validate` and `slipway:publish:local` with the scaffolder.
 *
 * Config (all optional):
 *
 * ```yaml
 * slipway:
 *   skeletonsDir: ./slipway-skeletons   # default: the skeletons packaged with Slipway
 *   dataDir: .data                      # required by slipway:publish:local (repos in <dataDir>/repos)
 *   git:
 *     author: { name: Slipway, email: slipway@localhost }
 * ```
 *
 * @public
 */
export const scaffolderModuleSlipway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'slipway',
  register(reg) {
    const added: GoldenPath[] = [];
    reg.registerExtensionPoint(slipwayGoldenPathsExtensionPoint, {
      addGoldenPath(...goldenPaths) {
        added.push(...goldenPaths);
      },
    });
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        rootLifecycle: coreServices.rootLifecycle,
      },
      async init({ scaffolder, config, logger, catalog, auth, rootLifecycle }) {
        const configured = config.getOptionalString('slipway.skeletonsDir');
        // Relative to the backend's working directory, like other file paths in app-config.
        const skeletonsDir = configured ? path.resolve(configured) : undefined;
        if (skeletonsDir) logger.info(`Slipway skeletons are read from ${skeletonsDir}`);

        const dataDir = config.getOptionalString('slipway.dataDir');
        const repos = dataDir ? LocalRepoStore.forDataDir(dataDir) : undefined;
        if (repos) {
          logger.info(`slipway:publish:local publishes into ${repos.reposDir}`);
          // After every plugin (the catalog too) is up: undo publishes a crash interrupted. The first
          // attempt is awaited; if the catalog does not answer yet, later ones run in the background.
          rootLifecycle.addStartupHook(async () => {
            const first = reconcilePublishesWithRetry({ repos, catalog, auth, logger }, []);
            const { deferred } = await first;
            if (deferred.length) void reconcilePublishesWithRetry({ repos, catalog, auth, logger });
          });
        } else {
          logger.info('slipway.dataDir is not set: slipway:publish:local will fail until it is');
        }
        const author = {
          name: config.getOptionalString('slipway.git.author.name') ?? DEFAULT_GIT_AUTHOR.name,
          email: config.getOptionalString('slipway.git.author.email') ?? DEFAULT_GIT_AUTHOR.email,
        };

        // One value for both: generate derives gitops.repoUrl from it (publisher: local), publish serves under it.
        const baseUrl = config.getOptionalString('backend.baseUrl');

        // The same reading of integrations.github as the form's "Publish to" choices (/api/slipway/publishers).
        const githubHosts = githubPublishingHosts(config);
        logger.info(githubHosts.length ? `GitHub publishing is available for ${githubHosts.join(', ')}` : 'GitHub publishing is not configured (no integrations.github credentials)');

        const goldenPaths = createGoldenPathRegistry({ skeletonsDir });
        for (const goldenPath of added) {
          // A path a module adds is checked as the built-in ones are by the tests: a broken one is left out, not half-offered.
          const problems = await checkGoldenPathParts(goldenPath).catch((error: Error) => [error.message]);
          if (!problems.length) {
            try {
              goldenPaths.add(goldenPath); // refuses a second path with the same id
              continue;
            } catch (error) {
              problems.push((error as Error).message);
            }
          }
          logger.error(`Golden path ${goldenPath.id} was not added: ${problems.join('; ')}`);
        }
        logger.info(`Golden paths: ${goldenPaths.ids().join(', ')}`);

        scaffolder.addActions(
          createGenerateAction({ goldenPaths, baseUrl, githubHosts }),
          createSystemGenerateAction({ goldenPaths, baseUrl, githubHosts, repos, catalog, auth }),
          createServiceGenerateAction({ skeletonsDir, baseUrl, githubHosts }),
          createValidateAction({ goldenPaths }),
          createPublishLocalAction({ repos, baseUrl, author, catalog, auth }),
          createPublishLocalFinishAction({ repos }),
        );
      },
    });
  },
});

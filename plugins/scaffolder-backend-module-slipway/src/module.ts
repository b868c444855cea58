import path from 'path';
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createServiceGenerateAction } from './actions/serviceGenerate';
import { createValidateAction } from './actions/validate';

/**
 * The Slipway scaffolder module: registers `slipway:service:generate` and
 * `slipway:validate` with the scaffolder.
 *
 * Config (optional):
 *
 * ```yaml
 * slipway:
 *   skeletonsDir: ./slipway-skeletons   # default: the skeletons packaged with Slipway
 * ```
 *
 * @public
 */
export const scaffolderModuleSlipway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'slipway',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ scaffolder, config, logger }) {
        const configured = config.getOptionalString('slipway.skeletonsDir');
        // Relative to the backend's working directory, like other file paths in app-config.
        const skeletonsDir = configured ? path.resolve(configured) : undefined;
        if (skeletonsDir) logger.info(`Slipway skeletons are read from ${skeletonsDir}`);
        scaffolder.addActions(createServiceGenerateAction({ skeletonsDir }), createValidateAction());
      },
    });
  },
});

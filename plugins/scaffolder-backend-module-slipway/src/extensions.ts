import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { GoldenPath } from '@slipway/common';

/**
 * Lets another scaffolder module add golden paths, so an adopter ships theirs as a module
 * instead of forking Slipway:
 *
 * ```ts
 * export default createBackendModule({
 *   pluginId: 'scaffolder',
 *   moduleId: 'acme-golden-paths',
 *   register(reg) {
 *     reg.registerInit({
 *       deps: { goldenPaths: slipwayGoldenPathsExtensionPoint },
 *       async init({ goldenPaths }) {
 *         goldenPaths.addGoldenPath(acmeJobGoldenPath(path.join(__dirname, '../golden-paths/acme-job')));
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * Backstage initialises every module that uses an extension point before the module that
 * provides it ("If a modules provides extension point A we want it to be initialized AFTER all
 * modules that depend on it", backend-app-api BackendInitializer), so the Slipway module sees
 * every added path when it creates `slipway:generate`. Each added path is checked like the
 * built-in ones (checkGoldenPathParts); one that lacks a part is left out and logged.
 *
 * @public
 */
export interface SlipwayGoldenPathsExtensionPoint {
  addGoldenPath(...goldenPaths: GoldenPath[]): void;
}

/** @public */
export const slipwayGoldenPathsExtensionPoint = createExtensionPoint<SlipwayGoldenPathsExtensionPoint>({
  id: 'scaffolder.slipway.golden-paths',
});

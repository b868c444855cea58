import type { GoldenPath } from '@slipway/common';
import { nodeServiceGoldenPath } from './node-service/golden-path';
import { nodeWorkerGoldenPath } from './node-worker/golden-path';
import { staticFrontendGoldenPath } from './static-frontend/golden-path';

/*
 * The list of Slipway's built-in golden paths: adding one is adding its folder and one line
 * here. This module and every `golden-path*.ts` it imports are browser-safe (no Node built-ins:
 * they read no files, and a definition is handed its folder), because the app's form fields
 * check values with each path's spec (`@slipway/skeletons/golden-paths`); golden-paths.test.ts
 * fails when one imports a Node built-in.
 */

/** Each built-in path by its id, which is also its folder's name, made for the folder its files are read from. */
export const BUILT_IN_GOLDEN_PATHS = {
  'node-service': nodeServiceGoldenPath,
  'node-worker': nodeWorkerGoldenPath,
  'static-frontend': staticFrontendGoldenPath,
} satisfies Record<string, (dir: string) => GoldenPath>;

export type BuiltInGoldenPathId = keyof typeof BUILT_IN_GOLDEN_PATHS;

export function builtInGoldenPathIds(): BuiltInGoldenPathId[] {
  return Object.keys(BUILT_IN_GOLDEN_PATHS) as BuiltInGoldenPathId[];
}

/**
 * A built-in path's values schema, or undefined for an id that is not built in (an adopter's
 * path, added on the backend, whose spec the browser does not have). The definition is made
 * without a folder: only its spec is read.
 */
export function builtInGoldenPathSpec(id: string): GoldenPath['spec'] | undefined {
  if (!Object.prototype.hasOwnProperty.call(BUILT_IN_GOLDEN_PATHS, id)) return undefined;
  return BUILT_IN_GOLDEN_PATHS[id as BuiltInGoldenPathId]('').spec;
}

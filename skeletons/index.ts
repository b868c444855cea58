import { existsSync } from 'fs';
import path from 'path';
import { GoldenPath, GoldenPathRegistry } from '@slipway/common';
import { BUILT_IN_GOLDEN_PATHS, BuiltInGoldenPathId } from './golden-paths';

/*
 * The golden paths Slipway ships. Each folder here is one golden path: its definition
 * (golden-path.ts: spec, metrics, check profile, skeleton context), its Backstage Template
 * (template.yaml), its examples (examples/*.yaml), its README and its skeleton files. Adding
 * a built-in golden path is adding its folder and one line to BUILT_IN_GOLDEN_PATHS.
 */

/** Absolute path of the folder that holds every golden path folder (the packaged skeletons), from source or from dist/. */
export const skeletonsDir = path.basename(__dirname) === 'dist' ? path.dirname(__dirname) : __dirname;

/** Absolute path of one packaged golden path's folder, e.g. `skeletonDir('node-service')`. */
export function skeletonDir(name: string): string {
  return path.join(skeletonsDir, name);
}

/**
 * The golden path folder's own parts, which are not skeleton files and are never rendered:
 * its README (for platform engineers), its definition (`golden-path*.ts`), its Backstage
 * Template, its examples, and `_partials/` (Handlebars partials, usable as `{{> name}}`).
 * `file` is folder-relative with '/' separators.
 */
export function isGoldenPathPart(file: string): boolean {
  return file === 'README.md' || file === 'template.yaml' || /^golden-path[.][^/]*$/.test(file) || file.startsWith('examples/') || file.startsWith('_partials/');
}

/**
 * Slipway's shared partial layers, by prefix: `shared/` (skeleton partials more than one golden
 * path uses) and `backing/` (the backing services' manifests, skeletons/_backing-services).
 */
const PARTIAL_LAYER_FOLDERS = { shared: '_shared', backing: '_backing-services' } as const;

/**
 * The shared partial layers read from `dir`. An edited copy (`slipway.skeletonsDir`,
 * `--skeletons-dir`) may hold only the golden paths a platform team changed: a layer folder it
 * lacks is read from the packaged skeletons.
 */
export function builtInPartialLayers(dir: string = skeletonsDir): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PARTIAL_LAYER_FOLDERS).map(([prefix, folder]) => {
      const edited = path.join(dir, folder);
      return [prefix, dir !== skeletonsDir && !existsSync(edited) ? path.join(skeletonsDir, folder) : edited];
    }),
  );
}

/**
 * One built-in golden path, reading its files from `<dir>/<id>` (default: the packaged folders;
 * `slipway.skeletonsDir` or the CLI's `--skeletons-dir` point `dir` at a platform team's edited copy).
 */
export function builtInGoldenPath(id: BuiltInGoldenPathId, dir: string = skeletonsDir): GoldenPath {
  return { ...BUILT_IN_GOLDEN_PATHS[id](path.join(dir, id)), partialLayers: builtInPartialLayers(dir) };
}

/** Every built-in golden path, reading its files from `<dir>/<id>`. */
export function builtInGoldenPaths(dir: string = skeletonsDir): GoldenPath[] {
  return (Object.keys(BUILT_IN_GOLDEN_PATHS) as BuiltInGoldenPathId[]).map(id => builtInGoldenPath(id, dir));
}

/** A registry holding the built-in golden paths, to which more can be added. */
export function createGoldenPathRegistry(options: { skeletonsDir?: string; extra?: readonly GoldenPath[] } = {}): GoldenPathRegistry {
  return new GoldenPathRegistry([...builtInGoldenPaths(options.skeletonsDir), ...(options.extra ?? [])]);
}

export { nodeServiceGoldenPath } from './node-service/golden-path';
export { nodeWorkerGoldenPath, WORKER_METRICS_CONTRACT } from './node-worker/golden-path';
export { nodeWorkerSpecSchema, QUEUE_KINDS } from './node-worker/golden-path.spec';
export type { NodeWorkerSpecInput } from './node-worker/golden-path.spec';
export type { NodeWorkerSpec, ResolvedWorkerEnvironment } from './node-worker/golden-path.resolve';
export { BUILT_IN_GOLDEN_PATHS, builtInGoldenPathSpec, builtInGoldenPathIds } from './golden-paths';
export type { BuiltInGoldenPathId } from './golden-paths';
export { createSkeletonContext, SLIPWAY_SKELETON_VERSION, browseUrl, entityName } from './node-service/golden-path.context';
export type { SkeletonContext, EnvironmentContext } from './node-service/golden-path.context';
export { SERVICE_METRICS, SERVICE_METRICS_CONTRACT } from './node-service/golden-path.metrics';

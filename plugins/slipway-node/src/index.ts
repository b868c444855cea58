/**
 * Slipway's Node engine: one renderer and one validation pipeline, shared by the
 * scaffolder actions, the CLI and the tests.
 *
 * @packageDocumentation
 */
export * from './render/renderer';
// What node-service's skeleton files see: defined with its golden path, re-exported for callers of renderService.
export { createSkeletonContext, SLIPWAY_SKELETON_VERSION, browseUrl, entityName, SERVICE_METRICS, SERVICE_METRICS_CONTRACT } from '@slipway/skeletons';
export type { SkeletonContext, EnvironmentContext } from '@slipway/skeletons';
export * from './render/write';
export * from './validate';
export * from './promql';
export * from './argoExpr';
export * from './git';
export { reconcileLockfile, reconcileLockfileContent, LockfileError } from './lockfile';
export * from './publishers';
export { checkGoldenPathParts } from './goldenPaths/parts';
export { goldenPathComponents, SKELETON_ANNOTATION, type GoldenPathComponent } from './validate/goldenPaths';
export { duplicateKeys, describeDuplicateKey, type DuplicateKey } from './yaml/duplicateKeys';

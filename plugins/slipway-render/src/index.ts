/**
 * Slipway's renderer: a golden path's skeleton rendered in memory (Handlebars, strict, YAML-safe
 * helpers; `[environment]` paths once per environment), the npm lock reconciled to the rendered
 * package.json, every YAML file parsed once (the parse the validator reuses), and the one write
 * to disk. Shared by the scaffolder actions, the CLI, the benchmark and the tests.
 *
 * @packageDocumentation
 */
export * from './renderer';
export * from './write';
export { reconcileLockfile, reconcileLockfileContent, LockfileError } from './lockfile';
export { isYamlFile, parseYamlFile, withParses, type HeldParse, type ParsedYamlFile, type PathSegment, type YamlDocument, type YamlSyntaxProblem } from './yaml/yaml-documents';
export { duplicateKeys, describeDuplicateKey, type DuplicateKey } from './yaml/duplicateKeys';
// What node-service's skeleton files see: defined with its golden path, re-exported for callers of renderService.
export { createSkeletonContext, SLIPWAY_SKELETON_VERSION, browseUrl, entityName, SERVICE_METRICS, SERVICE_METRICS_CONTRACT } from '@slipway/skeletons';
export type { SkeletonContext, EnvironmentContext } from '@slipway/skeletons';
export { renderSystem, type RenderedPart, type RenderedSystemRepo, type RenderSystemOptions, type SystemRender } from './system';
export { renderSystemRepo, systemRepoName } from './systemRepo';
export {
  APP_OF_APPS_DIR,
  APP_OF_APPS_LABEL,
  bootstrapAppOfAppsName,
  environmentAppOfAppsName,
  includePattern,
  renderAppOfApps,
  type AppOfAppsHome,
  type PartApplications,
} from './appOfApps';
export { CONFIG_REPO_LAYOUT, LAYOUT_ANNOTATION, repoNameOf, splitDeployTree, type RenderedConfigRepo } from './configRepo';

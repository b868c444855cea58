/**
 * Slipway's validator: one pipeline (YAML → schemas → kustomize builds and actionlint → policy →
 * references → one-unit behaviour checks) for a generated or hand-edited repo, shared by
 * `slipway validate`, the `slipway:validate` action and the tests; and the check that a golden
 * path has every part.
 *
 * @packageDocumentation
 */
export * from './types';
export { validateConfigRepoFiles, validateRepoDir, validateRenderedFiles } from './pipeline';
export { appView, configRepoApps, isConfigRepo, locatesApp, manifestsLocation, MANIFESTS_LOCATION_ANNOTATION } from './layout';
export type { ValidateOptions } from './pipeline';
export { formatValidationReport } from './format';
export { locateKustomize, requireShippedKustomize, kustomizeBuild, KUSTOMIZE_ENV_VAR } from './kustomize';
export type { KustomizeLocator, KustomizeSource, LocateKustomizeOptions, KustomizeBuildResult } from './kustomize';
export { loadRepoModel, readRepoFiles } from './load';
export type { LoadedRepo, Overlay } from './load';
export { checkObjectSchemas } from './schema';
export { knownSchemaKinds } from './schema-registry';
export { RULES, CHECK_UNITS, ruleById, defineCheck, defineRules } from './rules';
export type { RuleDefinition, CheckUnit, CheckUnitDeclaration, FamilyRuleId, RuleId, RuleIdOf } from './rules';
export { simulateSync } from './rules/argocd-sync-simulation';
export type { SyncTask, SyncPhase } from './rules/argocd-sync-simulation';
export * from './promql';
export * from './argoExpr';
export { checkGoldenPathParts } from './goldenPathParts';
export { checkPolicyPairs, systemConnections } from './rules/network-policy-pairs';
export { formatSystemValidation, validateSystem, type RenderedSystem, type SystemValidation } from './system';
export { checkAppOfApps, systemWaveOrder, type AppOfAppsRepo, type WaveOrder } from './rules/app-of-apps-membership';
export type { ConnectionEnd, DeclaredConnection, SystemProblem, SystemRepo } from './rules/network-policy-pairs';
export { goldenPathComponents, SKELETON_ANNOTATION, type GoldenPathComponent } from './goldenPaths';

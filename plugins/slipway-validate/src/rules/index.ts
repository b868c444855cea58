import type { CheckKind } from '../types';
import { argocdBootstrap } from './argocd-bootstrap';
import { argocdControllerFields } from './argocd-controller-fields';
import { argocdStatefulProtection } from './argocd-stateful-protection';
import { argocdPruneVersionedConfig } from './argocd-prune-versioned-config';
import { argocdSyncOrder } from './argocd-sync-order';
import { alertAnnotations } from './alert-annotations';
import { alertExcludesJobPods } from './alert-excludes-job-pods';
import { alertKeepsNamespace } from './alert-keeps-namespace';
import { alertScrapeFailure } from './alert-scrape-failure';
import { analysisNoDataSuccess } from './analysis-no-data-success';
import { analysisMinimumSample } from './analysis-minimum-sample';
import { canaryAbortBeforePromotion } from './canary-abort-before-promotion';
import { promqlSyntax } from './promql-syntax';
import { promqlUnknownSeries } from './promql-unknown-series';
import { networkpolicyPorts } from './networkpolicy-ports';
import { networkPolicyPairs } from './network-policy-pairs';
import { appOfAppsMembership } from './app-of-apps-membership';
import { networkGatewaySource } from './network-gateway-source';
import { gatewayAdmitsRoute } from './gateway-admits-route';
import { gatewayTlsSecret } from './gateway-tls-secret';
import { nginxResolverFqdn } from './nginx-resolver-fqdn';
import { nginxBackendEgress } from './nginx-backend-egress';
import { operatorResourceRefs } from './operator-resource-refs';
import { rolloutsPluginRegistered } from './rollouts-plugin-registered';
import { pdbAllowsDrain } from './pdb-allows-drain';
import { topologySpreadSelector } from './topology-spread-selector';
import { goldenPathProfile } from './golden-path-profile';
import { canaryAnalysisRules } from './canary-analysis';
import { catalogRules } from './catalog';
import { catalogApiDefinition } from './catalog-api-definition';
import { ciRules } from './ci';
import { ciActionPinned } from './ci-action-pinned';
import { ciCrossRepoPush } from './ci-cross-repo-push';
import { ciDeployConcurrency } from './ci-deploy-concurrency';
import { ciImageAttestations } from './ci-image-attestations';
import { ciLeastPrivilege } from './ci-least-privilege';
import { ciProductionEnvironment } from './ci-production-environment';
import { ciPromoteByDigest } from './ci-promote-by-digest';
import { ciRegistryCredentials } from './ci-registry-credentials';
import { ciUntrustedExpression } from './ci-untrusted-expression';
import { dockerfileBasePinned } from './dockerfile-base-pinned';
import { imageNodeVersion } from './image-node-version';
import { kustomizeRules } from './kustomize';
import { networkRules } from './network';
import { pipelineRules } from './pipeline';
import { podSecurityRules } from './pod-security';
import { referenceRules } from './references';
import { routingRules } from './routing';
import { schemaRules } from './schema';
import { secretRules } from './secrets';
import type { CheckUnit, RuleDefinition } from './types';
import { workloadRules } from './workloads';
import { yamlRules } from './yaml';

export type { CheckUnit, CheckUnitDeclaration, RuleDefinition } from './types';
export { defineCheck, defineRules } from './types';

/**
 * Every rule the validator reports. Families of rules reported by the older multi-rule
 * check functions are listed as data (`rules/<family>.ts`); newer checks are units
 * (`CheckUnit`) whose definition is the rule itself. Add a family or a unit with one line here.
 */
const RULE_FAMILIES = [
  yamlRules,
  schemaRules,
  kustomizeRules,
  pipelineRules,
  podSecurityRules,
  workloadRules,
  networkRules,
  secretRules,
  routingRules,
  canaryAnalysisRules,
  ciRules,
  catalogRules,
  referenceRules,
] as const;

/**
 * Checks that are one unit each; the pipeline runs them after the policy and reference checks.
 * Listing a unit here adds its id to RuleId: until then `tsc` refuses the id in its builders.
 */
export const CHECK_UNITS = [
  argocdSyncOrder,
  argocdControllerFields,
  argocdStatefulProtection,
  argocdPruneVersionedConfig,
  argocdBootstrap,
  analysisNoDataSuccess,
  analysisMinimumSample,
  canaryAbortBeforePromotion,
  promqlSyntax,
  promqlUnknownSeries,
  alertKeepsNamespace,
  alertExcludesJobPods,
  alertScrapeFailure,
  alertAnnotations,
  networkpolicyPorts,
  networkPolicyPairs,
  appOfAppsMembership,
  networkGatewaySource,
  gatewayAdmitsRoute,
  gatewayTlsSecret,
  nginxResolverFqdn,
  nginxBackendEgress,
  operatorResourceRefs,
  rolloutsPluginRegistered,
  pdbAllowsDrain,
  topologySpreadSelector,
  goldenPathProfile,
  ciLeastPrivilege,
  ciDeployConcurrency,
  ciPromoteByDigest,
  ciProductionEnvironment,
  ciRegistryCredentials,
  ciImageAttestations,
  ciActionPinned,
  ciUntrustedExpression,
  ciCrossRepoPush,
  imageNodeVersion,
  dockerfileBasePinned,
  catalogApiDefinition,
] as const;

/** The ids of the rule families (every id a multi-rule check function may report). */
export type FamilyRuleId = (typeof RULE_FAMILIES)[number][number]['id'];

/** The rules as declared, with literal ids and checks. */
type DeclaredRule = (typeof RULE_FAMILIES)[number][number] | (typeof CHECK_UNITS)[number];

/** A unit annotated `: CheckUnit` has the id `string`, which would let any typo through: refuse it. */
type LiteralIds<Id extends string> = string extends Id
  ? 'a check unit is typed CheckUnit, so its id is string: declare it with defineCheck({...}) and no type annotation'
  : Id;

/**
 * Every registered rule id. The problem builders (validate/kube/problems.ts) and
 * `ValidationProblem.rule` take only these, so a misspelt or unregistered id fails `tsc`.
 */
export type RuleId = LiteralIds<DeclaredRule['id']>;

/** The ids of the rules one stage reports. */
export type RuleIdOf<K extends CheckKind> = string extends DeclaredRule['id'] ? RuleId : RuleId & Extract<DeclaredRule, { check: K }>['id'];

/** Here each unit's `run` is compared with `CheckUnit` (see CheckUnitDeclaration for why not earlier). */
const checkedUnits: readonly CheckUnit[] = CHECK_UNITS;

export const RULES: readonly RuleDefinition[] = [...RULE_FAMILIES.flat(), ...checkedUnits];

const byId = new Map<string, RuleDefinition>(RULES.map(rule => [rule.id, rule]));

/** The definition of a rule id, or undefined for an id no rule declares. */
export function ruleById(id: string): RuleDefinition | undefined {
  return byId.get(id);
}

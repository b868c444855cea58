import type { PathSegment } from '@slipway/render';

/**
 * Fields the pinned model packages do not know yet, because the last CommonJS releases
 * (needed on Node 20) predate them. Each entry names one upstream field by its full
 * path: a misspelt sibling is still an unknown field, but the field's own contents
 * are not checked, since the model has no schema for them. (Argo Rollouts' kinds are checked with
 * schemas generated from its v1.9.1 CRDs, validate/crd-schemas, which declare its newer fields.)
 */
const NEWER_UPSTREAM_FIELDS: Array<{ apiVersion: string; kind: string; path: string; why: string }> = [
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    path: 'spec.syncPolicy.automated.enabled',
    why: 'Argo CD 3.1 SyncPolicyAutomated.Enabled (argo-cd#21999); @kubernetes-models/argo-cd 2.7.2 predates it',
  },
];

/** True when `path` of an object of this kind is a known upstream field missing from the pinned model. */
export function isNewerUpstreamField(apiVersion: string, kind: string, path: readonly PathSegment[]): boolean {
  const dotted = path.filter(segment => typeof segment === 'string').join('.');
  return NEWER_UPSTREAM_FIELDS.some(field => field.apiVersion === apiVersion && field.kind === kind && field.path === dotted);
}

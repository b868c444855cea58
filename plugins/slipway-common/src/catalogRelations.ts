import { z } from 'zod';

/*
 * A component's catalog relations, as Backstage's Component kind (catalog-model
 * ComponentEntityV1alpha1) takes them: spec.dependsOn, spec.consumesApis, spec.providesApis,
 * each an array of entity references `[<kind>:][<namespace>/]<name>`. The catalog resolves them
 * with a default kind per field (plugin-catalog-backend BuiltinKindsEntityProcessor:
 * `providesApis`/`consumesApis` with `{ defaultKind: "API" }`, `dependsOn` with
 * `{ defaultNamespace }` only), and parseEntityRef throws "had missing or empty kind" for a
 * dependsOn reference without one. So dependsOn must be `kind:name`; an API may be `name`.
 *
 * System wiring, not a form field: the system resolver writes them from its edges
 * (system/resolveCatalog.ts, system/partValues.ts), and no Template binds them, so
 * sync-template-form leaves them off every form.
 */

/** catalog-model KubernetesValidatorFunctions.isValidNamespace (a DNS label) and isValidObjectName. */
const NAMESPACE = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';

/** The kinds a dependency card shows (EntityDependsOnComponentsCard, EntityDependsOnResourcesCard). */
export const DEPENDS_ON_KINDS = ['component', 'resource'] as const;

export const DEPENDS_ON_REF_PATTERN = `^(?:${DEPENDS_ON_KINDS.join('|')}):(?:${NAMESPACE}/)?${NAME}$`;
export const API_REF_PATTERN = `^(?:api:)?(?:${NAMESPACE}/)?${NAME}$`;

/** Most references per relation: each is one line of catalog-info.yaml and one card row. */
export const MAX_CATALOG_RELATIONS = 64;

const refList = (pattern: string, rule: string, what: string) =>
  z
    .array(z.string().regex(new RegExp(pattern), { error: rule }))
    .max(MAX_CATALOG_RELATIONS, { error: `must have at most ${MAX_CATALOG_RELATIONS} entries` })
    .default([])
    .describe(what);

/** Spec fragment: the catalog relations the component's catalog-info.yaml adds to its own. */
export const catalogFragment = {
  catalog: z
    .object({
      dependsOn: refList(
        DEPENDS_ON_REF_PATTERN,
        'must be a Backstage entity reference with its kind, component:<name> or resource:<name> (optionally <kind>:<namespace>/<name>): dependsOn has no default kind',
        'Components and Resources this one depends on (spec.dependsOn), besides those its golden path declares itself (its database, broker or backends).',
      ),
      consumesApis: refList(
        API_REF_PATTERN,
        'must be a Backstage API reference such as api:orders or orders (the kind defaults to API)',
        'APIs this component calls (spec.consumesApis).',
      ),
      providesApis: refList(
        API_REF_PATTERN,
        'must be a Backstage API reference such as api:orders or orders (the kind defaults to API)',
        "APIs this component serves (spec.providesApis). Naming the component's own API (api:<name>) also registers that API entity, where the golden path can describe it.",
      ),
    })
    .strict()
    .prefault({})
    .describe("Catalog relations for the component's dependency and API cards: the system resolver writes them from the system's edges."),
};

export type CatalogRelations = z.output<typeof catalogFragment.catalog>;

/**
 * The reference as the catalog keys it: catalog-model's stringifyEntityRef writes
 * `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name.toLowerCase()}`, the namespace
 * `default` when none is given. Two spellings of one entity have the same key.
 */
export function entityRefKey(ref: string, defaultKind?: string): string {
  const colon = ref.indexOf(':');
  const kind = colon >= 0 ? ref.slice(0, colon) : defaultKind ?? '';
  const rest = colon >= 0 ? ref.slice(colon + 1) : ref;
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : 'default';
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  return `${kind}:${namespace}/${name}`.toLowerCase();
}

/** The references of every list, in order, each entity once (its first spelling kept). */
export function mergeEntityRefs(lists: ReadonlyArray<readonly string[]>, defaultKind?: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const ref of lists.flat()) {
    const key = entityRefKey(ref, defaultKind);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}

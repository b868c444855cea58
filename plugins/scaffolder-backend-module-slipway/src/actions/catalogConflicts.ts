import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export type ConflictCatalog = Pick<CatalogService, 'getEntitiesByRefs'>;

/**
 * The entities of `entityRefs` that the catalog already holds, each as a readable line
 * (`component:default/x, owned by group:default/y`).
 *
 * Why this must run before a location is registered: the catalog accepts a second
 * location that emits an entity ref already emitted by another location, and keeps
 * processing it forever, each time logging "Detected conflicting entityRef … already
 * referenced by …" (plugin-catalog-backend, DefaultProcessingDatabase
 * `addUnprocessedEntities`). The new location never owns the entity, so the task's
 * "Open in catalog" would point at somebody else's component.
 */
export async function findCatalogConflicts(
  catalog: ConflictCatalog,
  entityRefs: readonly string[],
  credentials: BackstageCredentials,
): Promise<string[]> {
  if (entityRefs.length === 0) return [];
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: [...entityRefs], fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.owner'] },
    { credentials },
  );
  const conflicts: string[] = [];
  items.forEach((entity, index) => {
    if (!entity) return;
    const owner = typeof entity.spec?.owner === 'string' ? `, owned by ${entity.spec.owner}` : '';
    conflicts.push(`${entityRefs[index]}${owner}`);
  });
  return conflicts;
}

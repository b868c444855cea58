import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import type { RenderedFile } from '@slipway/render';

/*
 * The catalog side of a system's repos for the action's preflight: the entities each repo's
 * catalog-info.yaml registers, read the way the catalog reads it. The system's own repo
 * (`<system>-system`) is rendered by renderSystem (@slipway/render systemRepo.ts), so the action,
 * the CLI and the tests write the same files.
 */

export { systemRepoName } from '@slipway/render';

/** The entities a repo's catalog-info.yaml declares, read the way the catalog reads it. */
function catalogEntities(files: readonly RenderedFile[]): Entity[] {
  const catalogInfo = files.find(file => file.path === 'catalog-info.yaml');
  if (!catalogInfo) return [];
  const entities: Entity[] = [];
  for (const result of parseEntityYaml(Buffer.from(catalogInfo.content), { type: 'file', target: 'catalog-info.yaml' })) {
    if (result.type === 'entity') entities.push(result.entity);
  }
  return entities;
}

/** `kind:namespace/name` of each entity a repo's catalog-info.yaml registers. */
export function catalogEntityRefs(files: readonly RenderedFile[]): string[] {
  return catalogEntities(files).map(entity => stringifyEntityRef(entity));
}

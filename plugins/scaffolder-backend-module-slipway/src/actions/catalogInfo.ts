import { promises as fs } from 'fs';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';

/** The entities a catalog-info file registers. */
export interface CatalogFileEntities {
  /** The Component if there is one (like `catalog:register`), else the first entity: `kind:namespace/name`. */
  primary: string;
  /** Every entity of the file, in file order, as `kind:namespace/name`. */
  all: string[];
}

/**
 * The entities a catalog-info file registers, read the way the catalog reads it.
 * Undefined when the file is missing; throws when it holds no entity.
 */
export async function readCatalogFileEntities(file: string, displayPath: string): Promise<CatalogFileEntities | undefined> {
  const content = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
    throw error;
  });
  if (content === undefined) return undefined;

  const entities: Entity[] = [];
  for (const result of parseEntityYaml(content, { type: 'file', target: displayPath })) {
    if (result.type === 'error') throw new Error(`${displayPath} is not valid catalog YAML: ${result.error.message}`);
    if (result.type === 'entity') entities.push(result.entity);
  }
  const named = entities.filter(entity => typeof entity.kind === 'string' && typeof entity.metadata?.name === 'string');
  const entity = named.find(candidate => candidate.kind === 'Component') ?? named[0];
  if (!entity) throw new Error(`${displayPath} holds no catalog entity (kind and metadata.name)`);
  return { primary: stringifyEntityRef(entity), all: named.map(candidate => stringifyEntityRef(candidate)) };
}

/** The primary entity of a catalog-info file (see readCatalogFileEntities). */
export async function readCatalogEntityRef(file: string, displayPath: string): Promise<string | undefined> {
  return (await readCatalogFileEntities(file, displayPath))?.primary;
}

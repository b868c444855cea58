import type { RunningBackend } from './backend';
import { waitFor } from './ports';

/** An entity as the catalog API returns it, with what the tests read. */
export type CatalogEntity = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  relations?: Array<{ type: string; targetRef: string }>;
};

/** The catalog processes new locations asynchronously: the entity appears (and gets its relations) shortly after the task. */
export async function eventualEntity(
  backend: RunningBackend,
  kind: string,
  name: string,
  ready: (entity: CatalogEntity) => boolean = () => true,
): Promise<CatalogEntity> {
  let entity: CatalogEntity | undefined;
  await waitFor(
    `${kind} ${name} in the catalog`,
    async () => {
      const response = await backend.request<CatalogEntity>('GET', `/api/catalog/entities/by-name/${kind}/default/${name}`, undefined, [404]);
      entity = response.status === 404 ? undefined : response.body;
      return entity !== undefined && ready(entity);
    },
    60_000,
  );
  return entity!;
}

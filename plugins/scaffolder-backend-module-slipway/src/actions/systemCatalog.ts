import { stringify } from 'yaml';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import type { ResolvedSystem } from '@slipway/common';
import type { RenderedFile } from '@slipway/render';

/*
 * The system's own catalog repo, `<system>-system`: the Backstage System entity the parts'
 * `spec.system` names, and the system's shared resources as Resource entities (what the parts'
 * `dependsOn: resource:<name>` will point at). It is a repo of its own rather than a document in
 * the first part's catalog-info.yaml because the System outlives any one part: removing or
 * re-creating that part's repo (and so its catalog location) must not take the System with it,
 * and Backstage's own examples describe a System in a file of its own beside, not inside, its
 * Components (backstage/backstage packages/catalog-model/examples: systems/*.yaml). One
 * catalog-info.yaml may hold several entities ("a Location can register several entities",
 * descriptor format: multiple documents in one file), so the Resources go with the System.
 */

/** The folder and repo name of the system's catalog repo. */
export function systemRepoName(system: string): string {
  return `${system}-system`;
}

const KIND_TITLES: Record<string, string> = {
  postgres: 'PostgreSQL (CloudNativePG)',
  redis: 'Redis (Valkey)',
  rabbitmq: 'RabbitMQ (RabbitMQ Cluster Operator)',
  nats: 'NATS JetStream',
};

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

/** `kind:name` of every entity the parts' own catalog-info files declare, so the system repo never declares one twice. */
function partEntityKeys(partFiles: ReadonlyArray<readonly RenderedFile[]>): Set<string> {
  return new Set(partFiles.flatMap(files => catalogEntities(files).map(entity => `${entity.kind.toLowerCase()}:${entity.metadata.name}`)));
}

/** The system repo's files: catalog-info.yaml (System, then its Resources) and a README naming the parts' repos. */
export function renderSystemRepo(
  system: ResolvedSystem,
  partFiles: ReadonlyArray<readonly RenderedFile[]>,
  repoUrlOf: (name: string) => string,
): RenderedFile[] {
  const declared = partEntityKeys(partFiles);
  const entities: object[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: system.name, description: system.description },
      spec: { owner: system.owner },
    },
    ...system.resources
      .filter(resource => !declared.has(`resource:${resource.name}`))
      .map(resource => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: resource.name, description: resource.description },
        spec: { type: resource.catalog.type, owner: system.owner, system: system.name },
      })),
  ];
  const catalogInfo =
    '# Backstage reads this: the System every part of ' +
    `${system.name} names (spec.system), and the resources its parts share.\n` +
    entities.map(entity => stringify(entity, { lineWidth: 0 })).join('---\n');
  const readme = [
    `# ${system.name}`,
    '',
    system.description,
    '',
    "The system's catalog entry. Each part is a repo of its own:",
    '',
    ...system.parts.map(part => `- ${part.name} (${part.goldenPath}): ${repoUrlOf(part.name)}`),
    ...(system.resources.length ? ['', 'Shared resources, run from the repo of the part that holds them:', ''] : []),
    ...system.resources.map(resource => `- ${resource.name}: ${KIND_TITLES[resource.kind] ?? resource.kind}, held by ${resource.heldBy}`),
    '',
  ].join('\n');
  return [
    { path: 'catalog-info.yaml', content: catalogInfo, executable: false },
    { path: 'README.md', content: readme, executable: false },
  ];
}

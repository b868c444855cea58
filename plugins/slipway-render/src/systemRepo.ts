import { parseAllDocuments, stringify } from 'yaml';
import type { ResolvedSystem } from '@slipway/common';
import type { RenderedFile } from './files';

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
 * With the app-repos layout it also holds the system's Argo CD app-of-apps (appOfApps.ts), which
 * renderSystem adds; with the config-repo layout those are in the config repo.
 *
 * Rendered here, by renderSystem, so the scaffolder action, the CLI and the tests write the same repo.
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

/**
 * `kind:name` of every entity the parts' own catalog-info files declare, so the system repo never
 * declares one twice. Read as the catalog reads a descriptor: every YAML document with a kind and
 * a metadata.name is an entity.
 */
function partEntityKeys(partFiles: ReadonlyArray<readonly RenderedFile[]>): Set<string> {
  const keys = new Set<string>();
  for (const files of partFiles) {
    const catalogInfo = files.find(file => file.path === 'catalog-info.yaml');
    if (!catalogInfo) continue;
    for (const document of parseAllDocuments(catalogInfo.content)) {
      const entity = document.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (typeof entity?.kind === 'string' && typeof entity.metadata?.name === 'string') keys.add(`${entity.kind.toLowerCase()}:${entity.metadata.name}`);
    }
  }
  return keys;
}

/**
 * The system repo's catalog files: catalog-info.yaml (System, then its Resources) and a README
 * naming the parts' repos, followed by `readmeSections` (the Argo CD section where the repo holds
 * the app-of-apps).
 */
export function renderSystemRepo(
  system: ResolvedSystem,
  partFiles: ReadonlyArray<readonly RenderedFile[]>,
  repoUrlOf: (name: string) => string,
  readmeSections: readonly string[] = [],
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
    ...readmeSections,
  ].join('\n');
  return [
    { path: 'catalog-info.yaml', content: catalogInfo, executable: false },
    { path: 'README.md', content: readme, executable: false },
  ];
}

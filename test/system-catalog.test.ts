/**
 * The catalog relations a system's edges make, in the rendered repos: the bookstore
 * (examples/systems) through renderSystem, each part's catalog-info.yaml read as Backstage reads
 * it. Its Components pass catalog-model's own kind validators, their relations parse with the
 * default kinds the catalog gives each field (plugin-catalog-backend BuiltinKindsEntityProcessor:
 * dependsOn none, providesApis/consumesApis API), and say what the example's edges say; the API
 * entity a service registers has its `$text` definition substituted as the catalog's
 * PlaceholderProcessor does, from a file of the same repo, which is an OpenAPI 3 document. Every
 * repo validates clean. Then one golden path on its own: no API and no openapi.yaml unless asked,
 * and its own relations merged with spec.catalog's, each entity once.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { apiEntityV1alpha1Validator, componentEntityV1alpha1Validator, parseEntityRef, type Entity } from '@backstage/catalog-model';
import { promises as fs } from 'fs';
import path from 'path';
import { parseAllDocuments, parse } from 'yaml';
import { renderGoldenPath, renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { validateRenderedFiles } from '@slipway/validate';
import { readValuesFile } from './support/generatedRepo';

type Values = Record<string, any>;
type Edge = { kind: string; from: string; to: string };

const registry = createGoldenPathRegistry();

function entities(files: readonly RenderedFile[]): Entity[] {
  const file = files.find(candidate => candidate.path === 'catalog-info.yaml');
  if (!file) throw new Error('no catalog-info.yaml');
  return parseAllDocuments(file.content).map(document => document.toJS() as Entity);
}

const component = (all: Entity[]) => all.find(entity => entity.kind === 'Component')!;
const refs = (entity: Entity, field: string): string[] => ((entity.spec ?? {}) as Record<string, string[] | undefined>)[field] ?? [];

/** The relation's targets as the catalog stores them (BuiltinKindsEntityProcessor's parse context for each field). */
function targets(entity: Entity, field: 'dependsOn' | 'consumesApis' | 'providesApis'): string[] {
  const context = field === 'dependsOn' ? { defaultNamespace: 'default' } : { defaultKind: 'API', defaultNamespace: 'default' };
  return refs(entity, field).map(ref => {
    const { kind, namespace, name } = parseEntityRef(ref, context);
    return `${kind.toLowerCase()}:${namespace}/${name}`;
  });
}

/** The API entity with its `$text` placeholder replaced by the file it names, read from the same repo (relative to catalog-info.yaml). */
function substituted(api: Entity, files: readonly RenderedFile[]): { entity: Entity; file: RenderedFile } {
  const definition = (api.spec as { definition?: { $text?: string } }).definition;
  expect(Object.keys(definition ?? {})).toEqual(['$text']);
  const target = path.posix.normalize(definition!.$text!);
  const file = files.find(candidate => candidate.path === target);
  if (!file) throw new Error(`API ${api.metadata.name}: $text ${definition!.$text} is not a file of the repo`);
  return { entity: { ...api, spec: { ...api.spec, definition: file.content } }, file };
}

describe('the bookstore: catalog relations from its edges', () => {
  let values: Values;
  let parts: Map<string, readonly RenderedFile[]>;
  let edges: Edge[];

  beforeAll(async () => {
    values = await readValuesFile('examples/systems/bookstore.yaml');
    const rendered = await renderSystem(values, { goldenPaths: registry });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    parts = new Map(rendered.parts.map(part => [part.part.name, part.files]));
    edges = Object.entries(values.edges as Record<string, Edge[]>).flatMap(([kind, list]) => list.map(edge => ({ ...edge, kind })));
  }, 120_000);

  it("renders each part's Component with the relations its edges make, valid to catalog-model", async () => {
    const services = new Set(values.parts.filter((part: Values) => part.goldenPath === 'node-service').map((part: Values) => part.name));
    for (const [name, files] of parts) {
      const entity = component(entities(files));
      await expect(componentEntityV1alpha1Validator.check(entity)).resolves.toBe(true);
      const outgoing = edges.filter(edge => edge.from === name);
      // Order aside: which entity each relation points at.
      expect({ name, dependsOn: targets(entity, 'dependsOn').sort() }).toEqual({
        name,
        dependsOn: [...new Set(outgoing.map(edge => `${edge.kind === 'calls' ? 'component' : 'resource'}:default/${edge.to}`))].sort(),
      });
      expect({ name, consumesApis: targets(entity, 'consumesApis') }).toEqual({
        name,
        consumesApis: outgoing.filter(edge => edge.kind === 'calls' && services.has(edge.to)).map(edge => `api:default/${edge.to}`),
      });
      const called = edges.some(edge => edge.kind === 'calls' && edge.to === name);
      expect({ name, providesApis: targets(entity, 'providesApis') }).toEqual({ name, providesApis: services.has(name) && called ? [`api:default/${name}`] : [] });
    }
    // The cards the issue names: catalog depends on its database, the storefront consumes both APIs.
    const catalog = component(entities(parts.get('catalog')!));
    expect(refs(catalog, 'dependsOn')).toEqual(expect.arrayContaining(['resource:bookstore-db', 'resource:bookstore-cache']));
    expect(refs(catalog, 'providesApis')).toEqual(['api:catalog']);
    expect(refs(component(entities(parts.get('storefront')!)), 'consumesApis')).toEqual(['api:catalog', 'api:orders']);
  });

  it('registers the API of each service that provides one, its definition an OpenAPI 3 document in the same repo', async () => {
    for (const [name, files] of parts) {
      const all = entities(files);
      const apis = all.filter(entity => entity.kind === 'API');
      const provided = refs(component(all), 'providesApis');
      expect({ name, apis: apis.map(api => `api:${api.metadata.name}`) }).toEqual({ name, apis: provided });
      for (const api of apis) {
        // No kubernetes-id: the Kubernetes plugin lists objects for the Component, not its API.
        expect(api.metadata.annotations ?? {}).toEqual({});
        expect(api.spec).toMatchObject({ type: 'openapi', owner: values.owner, system: 'system:bookstore' });
        const { entity, file } = substituted(api, files);
        await expect(apiEntityV1alpha1Validator.check(entity)).resolves.toBe(true);
        const document = parse(file.content) as Values;
        expect(document.openapi).toMatch(/^3\./);
        await SwaggerParser.validate(structuredClone(document) as never);
        // Exactly the routes the app serves on its traffic listener (buildApp; /metrics is buildMetricsApp's, on its own port).
        const app = files.find(candidate => candidate.path === 'src/app.ts')!.content;
        // The sample item routes of a service that publishes or caches (src/items.ts) are on the traffic listener too.
        const items = files.find(candidate => candidate.path === 'src/items.ts')?.content ?? '';
        const traffic = app.slice(app.indexOf('export function buildApp'), app.indexOf('export function buildMetricsApp')) + items;
        const routes = [...traffic.matchAll(/\bapp\.(get|post|put|patch|delete)(?:<[^>]*>)?\(\s*'([^']+)'/g)].map(([, method, route]) => `${method} ${route.replace(/:(\w+)/g, '{$1}')}`);
        expect(routes.length).toBeGreaterThan(0);
        const documented = Object.entries(document.paths as Record<string, Values>).flatMap(([route, operations]) => Object.keys(operations).map(method => `${method} ${route}`));
        expect(documented.sort()).toEqual(routes.sort());
        // The servers are the service's hosts, one per environment.
        expect(document.servers.map((server: Values) => server.description)).toEqual(['Dev', 'Staging', 'Production']);
      }
    }
    expect(parts.get('catalog')!.some(file => file.path === 'openapi.yaml')).toBe(true);
    expect(parts.get('payments-worker')!.some(file => file.path === 'openapi.yaml')).toBe(false);
  });

  it('validates every repo with no problems', async () => {
    for (const [name, files] of parts) {
      const report = await validateRenderedFiles(files, { goldenPaths: registry });
      expect({ name, problems: report.problems.map(problem => problem.message) }).toEqual({ name, problems: [] });
    }
  }, 240_000);
});

describe('a golden path on its own: catalog relations only when asked', () => {
  async function render(id: string, example: string, edit: (values: Values) => void = () => undefined): Promise<readonly RenderedFile[]> {
    const goldenPath = registry.get(id)!;
    const values = parse(await fs.readFile(path.join(goldenPath.dir, 'examples', example), 'utf8')) as Values;
    edit(values);
    const resolved = goldenPath.resolve(values);
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    return renderGoldenPath(goldenPath, resolved.spec);
  }

  it('keeps a service with no catalog field as before: no API entity, no openapi.yaml, no API relations', async () => {
    const files = await render('node-service', 'minimal.yaml');
    const all = entities(files);
    expect(all.map(entity => entity.kind)).not.toContain('API');
    expect(files.some(file => file.path === 'openapi.yaml')).toBe(false);
    for (const field of ['consumesApis', 'providesApis']) expect(component(all).spec).not.toHaveProperty(field);
  });

  it("merges the path's own dependsOn with spec.catalog's, each entity once, and registers its own API named without a kind", async () => {
    const files = await render('node-service', 'minimal.yaml', values => {
      values.database = 'postgres';
      values.catalog = { dependsOn: [`resource:default/${values.name}-db`, 'component:search'], providesApis: [values.name], consumesApis: ['api:search', 'search'] };
    });
    const all = entities(files);
    const entity = component(all);
    const name = entity.metadata.name;
    expect(refs(entity, 'dependsOn')).toEqual([`resource:${name}-db`, 'component:search']);
    expect(refs(entity, 'consumesApis')).toEqual(['api:search']);
    expect(refs(entity, 'providesApis')).toEqual([name]);
    expect(all.filter(candidate => candidate.kind === 'API').map(api => api.metadata.name)).toEqual([name]);
    expect(files.some(file => file.path === 'openapi.yaml')).toBe(true);
  });

  it('refuses a dependsOn without its kind, which the catalog could not resolve', () => {
    const goldenPath = registry.get('node-worker')!;
    const resolved = goldenPath.resolve({ name: 'w', owner: 'group:default/team-a', description: 'A worker.', catalog: { dependsOn: ['orders'] } });
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'catalog.dependsOn[0]', message: expect.stringContaining('dependsOn has no default kind') })]),
    );
  });
});

import { catalogApiDefinition } from './catalog-api-definition';
import { problemsOf } from './__fixtures__/ciRepo';
import { editFile, renderExample, type RepoFiles } from './__fixtures__/renderedRepo';

const ID = 'catalog-api-definition';
const CATALOG = 'catalog-info.yaml';
const SERVICE = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

/** node-service's repo that registers its own API (catalog.providesApis: [api:orders]). */
const withApi = () => renderExample({ ...SERVICE, catalog: { providesApis: ['api:orders'] } });

/** A catalog-info.yaml of one API entity with this spec, beside the given files. */
function apiRepo(spec: string, files: Record<string, string> = {}): Record<string, string> {
  return { [CATALOG]: `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders\nspec:\n${spec}`, ...files };
}
const FIELDS = '  type: openapi\n  lifecycle: production\n  owner: team-a\n';
const OPENAPI = 'openapi: 3.0.3\ninfo: {title: orders, version: 1.0.0}\npaths: {}\n';

describe(ID, () => {
  it("passes node-service's API entity, whose $text names the OpenAPI document it renders, and a repo with no API", async () => {
    const files: RepoFiles = await withApi();
    expect(files.get(CATALOG)).toContain('kind: API');
    expect(problemsOf(catalogApiDefinition, files)).toEqual([]);
    expect(problemsOf(catalogApiDefinition, await renderExample('minimal'))).toEqual([]);
  }, 60_000);

  it('reports a $text that names no file of the repo, or a file outside it', async () => {
    const files = await withApi();
    const missing = new Map(files);
    missing.delete('openapi.yaml');
    expect(problemsOf(catalogApiDefinition, missing)).toEqual([
      expect.objectContaining({ rule: ID, file: CATALOG, message: expect.stringContaining('API "orders" spec.definition.$text: "./openapi.yaml" is not a file of the repo (openapi.yaml)') }),
    ]);
    const outside = editFile(files, CATALOG, '$text: ./openapi.yaml', '$text: ../openapi.yaml');
    expect(problemsOf(catalogApiDefinition, outside)).toEqual([expect.objectContaining({ message: expect.stringContaining('leaves the repository') })]);
  }, 60_000);

  it('reports the fields the catalog requires of an API, and a definition that is neither a string nor one placeholder', () => {
    expect(problemsOf(catalogApiDefinition, apiRepo('  type: openapi\n'))).toEqual([
      expect.objectContaining({ message: 'catalog-info.yaml API "orders" spec: lacks spec.lifecycle, spec.owner, which the catalog requires of an API' }),
      expect.objectContaining({ message: 'catalog-info.yaml API "orders" spec.definition: is missing: the catalog requires the API definition' }),
    ]);
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition:\n    $text: ./a.yaml\n    $yaml: ./b.yaml\n`))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('must be the definition as a string, or one placeholder ($text, $yaml or $json)') }),
    ]);
  });

  it('reports an openapi definition that is not an OpenAPI document, and a $yaml file of several documents', () => {
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition:\n    $text: ./openapi.yaml\n`, { 'openapi.yaml': 'title: not an API\n' }))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('openapi.yaml is not an OpenAPI document') }),
    ]);
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition:\n    $text: ./openapi.yaml\n`, { 'openapi.yaml': OPENAPI }))).toEqual([]);
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition:\n    $yaml: docs/api.yaml\n`, { 'docs/api.yaml': `${OPENAPI}---\n${OPENAPI}` }))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('docs/api.yaml must hold exactly one YAML document') }),
    ]);
  });

  it('accepts an inline definition, and leaves an absolute URL (read when the catalog ingests it) alone', () => {
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition: ${JSON.stringify(OPENAPI)}\n`))).toEqual([]);
    expect(problemsOf(catalogApiDefinition, apiRepo(`${FIELDS}  definition:\n    $text: https://example.com/openapi.yaml\n`))).toEqual([]);
    // Another type's text is not judged as OpenAPI.
    expect(problemsOf(catalogApiDefinition, apiRepo('  type: graphql\n  lifecycle: production\n  owner: team-a\n  definition: "type Query { a: Int }"\n'))).toEqual([]);
  });
});

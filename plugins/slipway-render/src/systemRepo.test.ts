import { parseAllDocuments } from 'yaml';
import { resolveSystem, BUILT_IN_PART_WIRING, type ResolvedSystem } from '@slipway/common';
import { renderSystemRepo } from './systemRepo';

function shop(): ResolvedSystem {
  const resolved = resolveSystem(
    {
      name: 'shop',
      owner: 'group:default/team-a',
      description: 'Sells things.',
      parts: [{ name: 'api', goldenPath: 'node-service', values: { description: 'The API.' } }],
      resources: [
        { name: 'shop-db', kind: 'postgres' },
        { name: 'shop-cache', kind: 'redis' },
      ],
      edges: { uses: [{ from: 'api', to: 'shop-db' }, { from: 'api', to: 'shop-cache' }] },
    },
    { goldenPathIds: Object.keys(BUILT_IN_PART_WIRING), wiring: BUILT_IN_PART_WIRING },
  );
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  return resolved.system;
}

const catalogInfo = (content: string) => [{ path: 'catalog-info.yaml', content, executable: false }];

describe('renderSystemRepo', () => {
  it("declares the System, then each shared resource the parts' own catalog files do not declare", () => {
    // The part's repo already declares shop-cache (as a worker declares the broker it runs): not twice.
    const part = catalogInfo('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: shop-cache\n');
    const files = renderSystemRepo(shop(), [part], name => `https://git.example/${name}.git`);
    expect(files.map(file => file.path)).toEqual(['catalog-info.yaml', 'README.md']);
    const entities = parseAllDocuments(files[0].content).map(document => document.toJS());
    expect(entities.map(entity => `${entity.kind}:${entity.metadata.name}`)).toEqual(['System:shop', 'Resource:shop-db']);
    expect(entities[1].spec).toEqual({ type: 'database', owner: 'group:default/team-a', system: 'shop' });
    expect(files[1].content).toContain('- api (node-service): https://git.example/api.git');
    expect(files[1].content).toContain('- shop-db: PostgreSQL (CloudNativePG), held by api');
  });
});

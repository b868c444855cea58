import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { renderSystem } from './system';

type Values = Record<string, any>;

const example = (name: string): Values =>
  parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'systems', `${name}.yaml`), 'utf8')) as Values;
const goldenPaths = createGoldenPathRegistry();

describe('renderSystem', () => {
  it('renders every part of the bookstore through its golden path, with the wiring in its values', async () => {
    const rendered = await renderSystem(example('bookstore'), { goldenPaths });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    expect(rendered.parts.map(({ part }) => [part.name, part.goldenPath])).toEqual([
      ['storefront', 'static-frontend'],
      ['catalog', 'node-service'],
      ['orders', 'node-service'],
      ['payments-worker', 'node-worker'],
    ]);
    const catalog = rendered.parts.find(({ part }) => part.name === 'catalog')!;
    // Each environment's overlay has the catalog's peers, and the catalog-info names the system.
    for (const environment of ['dev', 'staging', 'production']) {
      const peers = catalog.files.find(file => file.path === `deploy/overlays/${environment}/networkpolicy-peers.yaml`);
      expect(peers?.content).toContain(`kubernetes.io/metadata.name: bookstore-${environment}`);
    }
    expect(catalog.files.find(file => file.path === 'catalog-info.yaml')?.content).toContain('system: system:bookstore');
  });

  it("reports a part's values its golden path refuses, under the part, and renders nothing", async () => {
    const values = example('bookstore');
    values.parts[1].values.environments[0].replicas = 0;
    const rendered = await renderSystem(values, { goldenPaths });
    expect(rendered.ok).toBe(false);
    expect(!rendered.ok && rendered.issues.map(issue => issue.path)).toEqual([expect.stringMatching(/^parts\.catalog\.values\.environments/)]);
  });

  it("reports the system's own mistakes before any part", async () => {
    const values = example('bookstore');
    values.edges.calls.push({ from: 'storefront', to: 'payments-worker', pathPrefix: '/pay' });
    const rendered = await renderSystem(values, { goldenPaths });
    expect(rendered.ok).toBe(false);
    expect(!rendered.ok && rendered.issues.map(issue => issue.message).join('\n')).toContain('payments-worker');
  });
});

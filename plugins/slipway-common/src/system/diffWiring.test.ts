import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { wiringChanges } from './diffWiring';
import { resolveSystem } from './resolveSystem';
import type { ResolvedSystem } from './types';

const GOLDEN_PATHS = ['node-service', 'node-worker', 'static-frontend'];
type Values = Record<string, any>;

function resolve(values: Values): ResolvedSystem {
  const result = resolveSystem(values, { goldenPathIds: GOLDEN_PATHS });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.system;
}

const bookstore = (): Values => parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'systems', 'bookstore.yaml'), 'utf8'));

describe('wiringChanges', () => {
  it('finds nothing to change when nothing changed', () => {
    expect(wiringChanges(resolve(bookstore()), resolve(bookstore()))).toEqual([]);
  });

  it("opens the callee's side when a new part calls it: catalog's ingress, in catalog's repo, in every environment", () => {
    const before = resolve(bookstore());
    const values = bookstore();
    values.parts.push({ name: 'recommendations', goldenPath: 'node-service', values: { description: 'Suggests books.' } });
    values.edges.calls.push({ from: 'recommendations', to: 'catalog' });
    const changes = wiringChanges(before, resolve(values));
    expect(changes.map(change => [change.environment, change.name, change.deploy.repoUrl])).toEqual([
      ['dev', 'catalog', 'https://github.com/acme/catalog.git'],
      ['staging', 'catalog', 'https://github.com/acme/catalog.git'],
      ['production', 'catalog', 'https://github.com/acme/catalog.git'],
    ]);
    for (const change of changes) {
      expect(change.ingressAdded).toEqual([
        {
          edge: 'calls:recommendations->catalog',
          pods: { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/component': 'server' },
          peer: { name: 'recommendations', role: 'part', namespace: `bookstore-${change.environment}`, podLabels: { 'app.kubernetes.io/name': 'recommendations' } },
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ]);
      expect([change.ingressRemoved, change.egressAdded, change.egressRemoved]).toEqual([[], [], []]);
    }
  });

  it('sees a removed edge at both existing ends', () => {
    const values = bookstore();
    values.edges.uses = values.edges.uses.filter((edge: Values) => !(edge.from === 'catalog' && edge.to === 'bookstore-cache'));
    const changes = wiringChanges(resolve(bookstore()), resolve(values)).filter(change => change.environment === 'staging');
    expect(changes.map(change => [change.name, change.egressRemoved.length, change.ingressRemoved.length])).toEqual([
      ['catalog', 1, 0],
      ['bookstore-cache', 0, 1],
    ]);
  });
});

/**
 * Both ends of a system's edges, from the rendered repos: the bookstore (examples/systems) is
 * resolved with resolveSystem, each part's per-environment ingress and egress go into its golden
 * path's values (environments[].peers, and for the storefront its nginx `backends`, through which
 * it calls its parts), every part is rendered and validated, each overlay is built with the
 * shipped kustomize (validateSystem, once per overlay), and checkPolicyPairs judges the built objects of all the repos together.
 * Then one edge loses its ingress side, and an allow no edge declares is added: both are named.
 * The four other example systems are rendered and judged the same way, and pass.
 *
 * The parts' values come from renderSystem (plugins/slipway-render/src/system.ts), which puts
 * resolveSystem's wiring into each part's golden-path values (system/partValues.ts).
 */
import { parse } from 'yaml';
import type { ResolvedSystem } from '@slipway/common';
import { renderSystem } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import {
  checkPolicyPairs,
  requireShippedKustomize,
  systemConnections,
  validateSystem,
  type LoadedObject,
  type SystemProblem,
  type SystemRepo,
  type ValidationReport,
} from '@slipway/validate';
import { readValuesFile } from './support/generatedRepo';

/** The repo model checkPolicyPairs reads: each overlay (under `deployDir`) as kustomize builds it. */
function edited(repos: readonly SystemRepo[], repo: string, change: (objects: LoadedObject[], environment: string) => LoadedObject[]): SystemRepo[] {
  return repos.map(own => {
    if (own.name !== repo) return own;
    const environments = new Map([...own.model.environments].map(([environment, objects]) => [environment, change(structuredClone(objects), environment)]));
    return { name: own.name, model: { ...own.model, environments } };
  });
}

const policyNamed = (objects: LoadedObject[], name: string) => {
  const found = objects.find(loaded => loaded.object.kind === 'NetworkPolicy' && loaded.object.metadata?.name === name);
  if (!found) throw new Error(`no NetworkPolicy/${name}`);
  return found.object as LoadedObject['object'] & { spec: { ingress?: Array<Record<string, unknown>>; egress?: Array<Record<string, unknown>> } };
};

type Rendered = Extract<Awaited<ReturnType<typeof renderSystem>>, { ok: true }>;

async function renderExample(example: string): Promise<Rendered> {
  const rendered = await renderSystem(await readValuesFile(`examples/systems/${example}.yaml`), { goldenPaths: createGoldenPathRegistry() });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
  return rendered;
}

/**
 * Renders every part of an example system with renderSystem and validates the system with
 * validateSystem, as the CLI does: each repo checked, its overlays built once with the shipped
 * kustomize, and the checks across the repos run on those built objects.
 */
async function renderExampleSystem(example: string): Promise<{ system: ResolvedSystem; repos: SystemRepo[]; reports: Map<string, ValidationReport>; problems: SystemProblem[] }> {
  const rendered = await renderExample(example);
  const validation = await validateSystem(rendered, { kustomize: await requireShippedKustomize() });
  return { system: rendered.system, repos: validation.repos, reports: validation.parts, problems: validation.problems };
}

describe('the bookstore system: NetworkPolicies at both ends of every edge', () => {
  let system: ResolvedSystem;
  let repos: SystemRepo[];
  let reports: Map<string, ValidationReport>;

  beforeAll(async () => {
    ({ system, repos, reports } = await renderExampleSystem('bookstore'));
  }, 240_000);

  it('renders each part with its peers, and every repo validates with no problems', () => {
    for (const [part, report] of reports) {
      expect({ part, problems: report.problems.map(problem => problem.message) }).toEqual({ part, problems: [] });
      expect(report.stats.overlaysBuilt).toEqual(['dev', 'staging', 'production']);
    }
    // catalog admits the storefront in each environment, in its namespace, on its pods' port.
    const catalog = repos.find(repo => repo.name === 'catalog') as SystemRepo;
    for (const environment of system.environments) {
      const ingress = policyNamed(catalog.model.environments.get(environment.name) as LoadedObject[], 'catalog-peers-ingress');
      expect(ingress.spec.ingress).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': environment.namespace } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/component': 'web' } } }],
          ports: [{ protocol: 'TCP', port: environment.endpoints.catalog.service?.targetPort }],
        },
      ]);
    }
  });

  it('passes checkPolicyPairs: every edge open at both ends, and no allow between parts that no edge declares', () => {
    expect(checkPolicyPairs(repos, systemConnections(system))).toEqual([]);
  });

  it('names the edge, the environment and the missing side when catalog no longer admits the storefront', () => {
    const withoutIngress = edited(repos, 'catalog', (objects, environment) =>
      environment === 'staging' ? objects.filter(loaded => loaded.object.metadata?.name !== 'catalog-peers-ingress') : objects);
    const problems = checkPolicyPairs(withoutIngress, systemConnections(system));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      rule: 'network-policy-pairs',
      repo: 'storefront',
      environment: 'staging',
      object: 'NetworkPolicy/storefront-allow-backends',
    });
    expect(problems[0].message).toContain('edge calls:storefront->catalog');
    expect(problems[0].message).toContain('in staging');
    expect(problems[0].message).toContain("its ingress side is missing: no NetworkPolicy of catalog (Rollout/catalog in bookstore-staging) admits storefront's pods");
  });

  it('reports an allow at both ends that no edge declares (payments-worker → orders)', () => {
    const production = system.environments.find(environment => environment.name === 'production')!;
    const namespace = production.namespace;
    const workerPods = { 'app.kubernetes.io/name': 'payments-worker', 'app.kubernetes.io/component': 'worker' };
    let changed = edited(repos, 'orders', (objects, environment) => {
      if (environment === 'production') {
        policyNamed(objects, 'orders-peers-ingress').spec.ingress?.push({
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: { matchLabels: workerPods } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        });
      }
      return objects;
    });
    // Its ingress side alone: a one-sided allow, which no edge declares.
    const oneSided = checkPolicyPairs(changed, systemConnections(system));
    expect(oneSided.map(problem => [problem.repo, problem.environment, problem.object])).toEqual([['orders', 'production', 'NetworkPolicy/orders-peers-ingress']]);
    expect(oneSided[0].message).toContain('a connection no edge of the system declares (payments-worker → orders)');
    expect(oneSided[0].message).toContain('its egress side is missing');

    // Both ends: a path the system never asked for.
    changed = edited(changed, 'payments-worker', (objects, environment) =>
      environment === 'production'
        ? [...objects, {
          file: 'deploy/overlays/production',
          environment,
          object: parse(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: payments-worker-to-orders, namespace: ${namespace}}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: payments-worker, app.kubernetes.io/component: worker}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${namespace}}}, podSelector: {matchLabels: {app.kubernetes.io/name: orders}}}]
      ports: [{protocol: TCP, port: 8080}]
`),
        }]
        : objects);
    const undeclared = checkPolicyPairs(changed, systemConnections(system));
    expect(undeclared).toHaveLength(1);
    expect(undeclared[0]).toMatchObject({ rule: 'network-policy-pairs', environment: 'production' });
    expect(undeclared[0].message).toContain(
      'in production, payments-worker (Rollout/payments-worker in bookstore-production) can connect to orders (Rollout/orders in bookstore-production) on 8080/TCP (http), ' +
        'allowed at both ends, but no edge of the system declares that connection',
    );
  });
});

it.each(['todo', 'log-pong', 'goals', 'voting'])('example system %s: every repo validates and checkPolicyPairs passes', async example => {
  const { system, repos, reports, problems } = await renderExampleSystem(example);
  for (const [part, report] of reports) {
    expect({ part, problems: report.problems.map(problem => problem.message) }).toEqual({ part, problems: [] });
    expect(report.stats.overlaysBuilt).toEqual(system.environments.map(environment => environment.name));
  }
  expect(checkPolicyPairs(repos, systemConnections(system))).toEqual([]);
  expect(problems).toEqual([]);
}, 240_000);

it("validateSystem reports what only the repos together show: a part's rendered peers file without its ingress side", async () => {
  const rendered = await renderExample('bookstore');
  // catalog's staging peers file, as a skeleton edit that dropped it would leave the repo.
  const parts = rendered.parts.map(entry =>
    entry.part.name === 'catalog' ? { ...entry, files: entry.files.filter(file => file.path !== 'deploy/overlays/staging/networkpolicy-peers.yaml') } : entry,
  );
  const withoutPeers = { ...rendered, parts };
  const catalogKustomization = parts.find(entry => entry.part.name === 'catalog')!.files.find(file => file.path === 'deploy/overlays/staging/kustomization.yaml')!;
  // The overlay lists the file: take it out there too, so the repo itself still builds and validates.
  const edited = { ...catalogKustomization, content: catalogKustomization.content.replace(/^ *- networkpolicy-peers\.yaml\n/m, '') };
  expect(edited.content).not.toBe(catalogKustomization.content);
  withoutPeers.parts = parts.map(entry =>
    entry.part.name === 'catalog' ? { ...entry, files: entry.files.map(file => (file.path === edited.path ? edited : file)) } : entry,
  );
  const validation = await validateSystem(withoutPeers, { kustomize: await requireShippedKustomize() });
  expect(validation.parts.get('catalog')?.problems).toEqual([]);
  expect(validation.ok).toBe(false);
  const messages = validation.problems.filter(problem => problem.rule === 'network-policy-pairs' && problem.environment === 'staging').map(problem => problem.message);
  expect(messages.some(message => message.includes('edge calls:storefront->catalog') && message.includes('its ingress side is missing'))).toBe(true);
}, 240_000);

/*
 * The edges to a broker and a cache are judged at both ends like the calls: the holder's policy
 * (the worker's RabbitMQ, NATS or Valkey, the catalog's Valkey) admits the client, and the client's
 * own egress reaches it. Without the client's egress policy, the holder's rule is one-sided.
 */
it.each([
  ['bookstore', 'orders', 'bookstore-mq', 'payments-worker', 'publishes:orders->bookstore-mq:orders'],
  ['todo', 'todo-backend', 'todo-nats', 'broadcaster', 'publishes:todo-backend->todo-nats:todos'],
  ['voting', 'vote', 'voting-redis', 'worker', 'publishes:vote->voting-redis:votes'],
])('example system %s: %s\'s edge to %s is open at both ends, and one-sided without its egress', async (example, client, resource, holder, edge) => {
  const { system, repos } = await renderExampleSystem(example);
  expect(system.resources.find(candidate => candidate.name === resource)?.heldBy).toBe(holder);
  expect(checkPolicyPairs(repos, systemConnections(system))).toEqual([]);
  const withoutEgress = edited(repos, client, objects => objects.filter(loaded => loaded.object.metadata?.name !== `${client}-to-${resource}`));
  const problems = checkPolicyPairs(withoutEgress, systemConnections(system));
  expect(problems.map(problem => [problem.repo, problem.environment])).toEqual(system.environments.map(environment => [holder, environment.name]));
  for (const problem of problems) expect(problem.message).toContain(`allows edge ${edge} (${client} → ${holder}), but its egress side is missing`);
}, 240_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- tests build loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { baselineModel, edit, remove } from '../policy/__fixtures__/repoModel';
import { checkPolicyPairs, networkPolicyPairs, type DeclaredConnection, type SystemRepo } from './network-policy-pairs';

const staging = (model: RepoModel) => networkPolicyPairs.run(model).filter(problem => problem.environment === 'staging');

describe('network-policy-pairs, inside one repo', () => {
  it('passes the baseline: the service reaches its database, which admits it', () => {
    expect(networkPolicyPairs.run(baselineModel())).toEqual([]);
    expect(networkPolicyPairs.run(baselineModel({ built: false }))).toEqual([]);
  });

  it("names the missing ingress side when the database no longer admits the service's pods", () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-db-allow-app', policy => {
      policy.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/name'] = 'billing';
    });
    const [problem, ...rest] = staging(model);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ check: 'reference', rule: 'network-policy-pairs', object: 'NetworkPolicy/orders-allow-db', environment: 'staging' });
    expect(problem.message).toContain('NetworkPolicy/orders-allow-db spec.egress[0]: in staging, this egress rule allows the connection');
    expect(problem.message).toContain("its ingress side is missing: no NetworkPolicy of Cluster/orders-db in orders-staging admits Rollout/orders's pods from namespace orders-staging on 5432/TCP");
  });

  it('names the missing egress side when the service may no longer reach its database', () => {
    const [problem, ...rest] = staging(remove(baselineModel(), 'NetworkPolicy', 'orders-allow-db'));
    expect(rest).toEqual([]);
    expect(problem.object).toBe('NetworkPolicy/orders-db-allow-app');
    expect(problem.message).toContain('its egress side is missing: no NetworkPolicy of Rollout/orders in orders-staging lets its pods reach');
  });

  it('takes a pod that no policy isolates as allowing everything that way', () => {
    // Without the default deny and the DNS egress, nothing isolates the service's egress: the database's ingress rule is met.
    let model = remove(baselineModel(), 'NetworkPolicy', 'orders-allow-db');
    model = remove(model, 'NetworkPolicy', 'orders-default-deny');
    model = remove(model, 'NetworkPolicy', 'orders-allow-dns');
    expect(staging(model)).toEqual([]);
  });
});

/* A two-part system built by hand: web calls api in namespace shop-<environment>. */

const NAME = 'kubernetes.io/metadata.name';

function deployment(name: string, namespace: string, port: number): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1`, ports: [{ name: 'http', containerPort: port }] }] } },
    },
  };
}

function policy(name: string, namespace: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const denyAll = (app: string, namespace: string) => policy(`${app}-default-deny`, namespace, { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress', 'Egress'] });
const peer = (namespace: string, app: string) => ({ namespaceSelector: { matchLabels: { [NAME]: namespace } }, podSelector: { matchLabels: { app } } });

function repo(name: string, objects: (namespace: string) => any[]): SystemRepo {
  const environments = new Map<string, LoadedObject[]>();
  for (const environment of ['staging']) {
    const namespace = `shop-${environment}`;
    environments.set(environment, objects(namespace).map(object => ({ object, file: `deploy/overlays/${environment}`, environment })));
  }
  return { name, model: { files: new Map(), environments, rawObjects: [] } };
}

const webEgress = (apiNamespace: (own: string) => string = own => own) => (namespace: string) =>
  policy('web-peers-egress', namespace, { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [peer(apiNamespace(namespace), 'api')], ports: [{ protocol: 'TCP', port: 8080 }] }] });
const apiIngress = (from = 'web') => (namespace: string) =>
  policy('api-peers-ingress', namespace, { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [peer(namespace, from)], ports: [{ protocol: 'TCP', port: 'http' }] }] });

const web = (egress = webEgress()) => repo('web', namespace => [deployment('web', namespace, 8081), denyAll('web', namespace), egress(namespace)]);
const api = (...extra: Array<(namespace: string) => any>) =>
  repo('api', namespace => [deployment('api', namespace, 8080), denyAll('api', namespace), ...extra.map(make => make(namespace))]);

const CALLS: DeclaredConnection[] = [
  { edge: 'calls:web->api', environment: 'staging', from: { name: 'web', namespace: 'shop-staging', podLabels: { app: 'web' } }, to: { name: 'api', namespace: 'shop-staging', podLabels: { app: 'api' } }, ports: [{ port: 8080, protocol: 'TCP' }] },
];

describe('checkPolicyPairs, across a system', () => {
  it('passes when both ends allow the edge (a numbered egress port meets a named ingress port of the same container port)', () => {
    expect(checkPolicyPairs([web(), api(apiIngress())], CALLS)).toEqual([]);
    expect(checkPolicyPairs([web(), api(apiIngress())])).toEqual([]);
  });

  it("names the edge, the environment and the missing ingress side, on the sender's policy", () => {
    const problems = checkPolicyPairs([web(), api()], CALLS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ repo: 'web', environment: 'staging', object: 'NetworkPolicy/web-peers-egress', rule: 'network-policy-pairs' });
    expect(problems[0].message).toBe(
      'NetworkPolicy/web-peers-egress spec.egress[0]: in staging, this egress rule allows edge calls:web->api (web → api), but its ingress side is missing: ' +
        "no NetworkPolicy of api (Deployment/api in shop-staging) admits web's pods from namespace shop-staging on 8080/TCP (http); " +
        'both ends must allow a connection, so it never happens',
    );
  });

  it('evaluates the namespaceSelector: an egress to the right pods in another namespace is not the edge', () => {
    const problems = checkPolicyPairs([web(webEgress(() => 'shop-other')), api(apiIngress())], CALLS);
    expect(problems.map(problem => [problem.repo, problem.object])).toEqual([['api', 'NetworkPolicy/api-peers-ingress']]);
    expect(problems[0].message).toContain("its egress side is missing: no NetworkPolicy of web (Deployment/web in shop-staging) lets its pods reach api's pods in namespace shop-staging on 8080/TCP (http)");
  });

  it('reports an allow at both ends that no edge declares', () => {
    const problems = checkPolicyPairs([web(), api(apiIngress())], []);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('in staging, web (Deployment/web in shop-staging) can connect to api (Deployment/api in shop-staging) on 8080/TCP (http), allowed at both ends, but no edge of the system declares that connection');
  });

  it('reports a one-sided allow no edge declares as such', () => {
    const problems = checkPolicyPairs([web(() => policy('web-nothing', 'shop-staging', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] })), api(apiIngress())], []);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('this ingress rule allows a connection no edge of the system declares (web → api), but its egress side is missing');
  });

  it('reports a declared edge that neither end allows', () => {
    const closed = repo('web', namespace => [deployment('web', namespace, 8081), denyAll('web', namespace)]);
    const problems = checkPolicyPairs([closed, api()], CALLS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ repo: 'web', object: 'Deployment/web', environment: 'staging' });
    expect(problems[0].message).toContain('in staging, edge calls:web->api (web → api on 8080/TCP) is allowed at neither end');
  });

  it('leaves alone an edge whose other end is not among the repos (a resource, another system)', () => {
    expect(checkPolicyPairs([web()], CALLS)).toEqual([]);
  });
});

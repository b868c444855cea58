/* eslint-disable @typescript-eslint/no-explicit-any -- tests edit deep, loosely typed manifests */
import type { KubernetesObject, RepoModel } from '../types';
import { add, baselineModel, edit, remove } from '../policy/__fixtures__/repoModel';
import { editFile, renderExample, unitProblems, type RepoFiles } from './__fixtures__/renderedRepo';
import { networkGatewaySource } from './network-gateway-source';

const problemsOf = (model: RepoModel) => networkGatewaySource.run(model);
const staging = (model: RepoModel) => problemsOf(model).filter(problem => problem.environment === 'staging');
const messages = (model: RepoModel) => staging(model).map(problem => problem.message);

const EG_NAMESPACE = { 'kubernetes.io/metadata.name': 'envoy-gateway-system' };
const OWNING = { 'gateway.envoyproxy.io/owning-gateway-name': 'public', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway-system' };

/** The platform Gateway the fixture's HTTPRoute attaches to (parentRef public in gateway-system), as deploy/platform holds it. */
function withGateway(model: RepoModel, className: string, namespace: string | undefined = 'gateway-system'): RepoModel {
  const gateway: KubernetesObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', ...(namespace ? { namespace } : {}) },
    spec: { gatewayClassName: className, listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
  };
  model.rawObjects.push({ object: gateway, file: 'deploy/platform/gateway.yaml' });
  return model;
}

function withGatewayClass(model: RepoModel, name: string, controllerName: string): RepoModel {
  model.rawObjects.push({
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName } },
    file: 'deploy/platform/gatewayclass.yaml',
  });
  return model;
}

/** Replaces the allow-gateway rule's peers (the fixture admits namespace gateway-system). */
const gatewayPeers = (model: RepoModel, from: unknown[]) =>
  edit(model, 'NetworkPolicy', 'orders-allow-gateway', policy => { policy.spec.ingress[0].from = from; });

describe('network-gateway-source', () => {
  it('passes the baseline, whose Gateway is not in the repo (unknown implementation: a namespace peer may be right)', () => {
    expect(problemsOf(baselineModel())).toEqual([]);
    expect(problemsOf(baselineModel({ built: false }))).toEqual([]);
  });

  it('flags the Gateway-namespace peer under Envoy Gateway, naming object, field, file and rule', () => {
    const [problem, ...rest] = staging(withGateway(baselineModel(), 'eg'));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      check: 'reference',
      rule: 'network-gateway-source',
      object: 'NetworkPolicy/orders-allow-gateway',
      file: 'deploy/base/resources.yaml',
      environment: 'staging',
    });
    expect(problem.message).toBe(
      'NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: Envoy Gateway runs the proxies of Gateway gateway-system/public ' +
        'in its controller namespace (envoy-gateway-system by default), not in gateway-system: no ingress rule admits them to port http ' +
        "of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
    );
    // Raw base (no kustomize): the same judgement, on the base file.
    expect(problemsOf(withGateway(baselineModel({ built: false }), 'eg')).map(each => each.object)).toEqual(['NetworkPolicy/orders-allow-gateway']);
  });

  it('accepts the Envoy Gateway proxies where they run, with or without their labels', () => {
    expect(problemsOf(gatewayPeers(withGateway(baselineModel(), 'eg'), [{ namespaceSelector: { matchLabels: EG_NAMESPACE } }]))).toEqual([]);
    expect(problemsOf(gatewayPeers(withGateway(baselineModel(), 'eg'), [
      { namespaceSelector: { matchLabels: EG_NAMESPACE }, podSelector: { matchLabels: { ...OWNING, 'app.kubernetes.io/component': 'proxy' } } },
    ]))).toEqual([]);
    // A matchExpressions In that names the namespace counts as naming it.
    expect(problemsOf(gatewayPeers(withGateway(baselineModel(), 'eg'), [
      { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['envoy-gateway-system', 'other'] }] } },
    ]))).toEqual([]);
  });

  it('takes a peer that selects this Gateway\'s proxies by their owning-gateway labels as saying where they run (Gateway Namespace Mode)', () => {
    const model = gatewayPeers(withGateway(baselineModel(), 'eg'), [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } }, podSelector: { matchLabels: OWNING } },
    ]);
    expect(problemsOf(model)).toEqual([]);
  });

  it('flags a podSelector label that contradicts the proxies (another Gateway\'s owning-gateway-name)', () => {
    const model = gatewayPeers(withGateway(baselineModel(), 'eg'), [
      { namespaceSelector: { matchLabels: EG_NAMESPACE }, podSelector: { matchLabels: { ...OWNING, 'gateway.envoyproxy.io/owning-gateway-name': 'internal' } } },
    ]);
    expect(messages(model)).toEqual([
      'NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: its podSelector asks for gateway.envoyproxy.io/owning-gateway-name=internal, ' +
        'but the proxies of Gateway gateway-system/public are labelled gateway.envoyproxy.io/owning-gateway-name=public: ' +
        "no ingress rule admits them to port http of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
    ]);
    const excluded = gatewayPeers(withGateway(baselineModel(), 'eg'), [
      { namespaceSelector: { matchLabels: EG_NAMESPACE }, podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'NotIn', values: ['proxy'] }] } },
    ]);
    expect(messages(excluded)[0]).toContain('its podSelector.matchExpressions[0] excludes app.kubernetes.io/component=proxy, a label of the proxies of Gateway gateway-system/public');
  });

  it('accepts what it cannot judge: an ipBlock, a namespace picked by other labels, pod labels the proxies do not set', () => {
    const model = () => withGateway(baselineModel(), 'eg');
    expect(problemsOf(gatewayPeers(model(), [{ ipBlock: { cidr: '10.0.0.0/8' } }]))).toEqual([]);
    expect(problemsOf(gatewayPeers(model(), [{ namespaceSelector: { matchLabels: { 'example.com/role': 'ingress' } } }]))).toEqual([]);
    expect(problemsOf(gatewayPeers(model(), [{ namespaceSelector: {} }]))).toEqual([]);
    expect(problemsOf(gatewayPeers(model(), [{ namespaceSelector: { matchLabels: EG_NAMESPACE }, podSelector: { matchLabels: { team: 'edge' } } }]))).toEqual([]);
    expect(problemsOf(edit(model(), 'NetworkPolicy', 'orders-allow-gateway', policy => { delete policy.spec.ingress[0].from; }))).toEqual([]);
  });

  it('flags a gateway rule on another port, at its ports', () => {
    const model = edit(gatewayPeers(withGateway(baselineModel(), 'eg'), [{ namespaceSelector: { matchLabels: EG_NAMESPACE } }]),
      'NetworkPolicy', 'orders-allow-gateway', policy => { policy.spec.ingress[0].ports = [{ protocol: 'TCP', port: 'metrics' }]; });
    expect(messages(model)).toEqual([
      'NetworkPolicy/orders-allow-gateway spec.ingress[0].ports: admits the proxies of Gateway gateway-system/public on metrics/TCP only, ' +
        'not on port http (8080) that Service/orders-stable forwards to: ' +
        "no ingress rule admits them to port http of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
    ]);
    // The container port by number is the same port.
    expect(problemsOf(edit(gatewayPeers(withGateway(baselineModel(), 'eg'), [{ namespaceSelector: { matchLabels: EG_NAMESPACE } }]),
      'NetworkPolicy', 'orders-allow-gateway', policy => { policy.spec.ingress[0].ports = [{ port: 8000, endPort: 8100 }]; }))).toEqual([]);
  });

  it('resolves a numeric Service targetPort to the named container port a policy admits', () => {
    const model = gatewayPeers(withGateway(baselineModel(), 'eg'), [{ namespaceSelector: { matchLabels: EG_NAMESPACE } }]);
    for (const name of ['orders-stable', 'orders-canary']) edit(model, 'Service', name, service => { service.spec.ports[0].targetPort = 8080; });
    expect(problemsOf(model)).toEqual([]);
    for (const name of ['orders-stable', 'orders-canary']) edit(model, 'Service', name, service => { service.spec.ports[0].targetPort = 9464; });
    expect(messages(model)[0]).toContain('not on port metrics (9464) that Service/orders-stable forwards to');
  });

  it('does not blame peers meant for other callers (a frontend in the namespace, Prometheus) when the gateway rule is missing', () => {
    const model = withGateway(baselineModel(), 'eg');
    edit(model, 'NetworkPolicy', 'orders-allow-gateway', policy => {
      policy.spec.ingress = [
        { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }], ports: [{ port: 'http' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
      ];
    });
    expect(staging(model).map(problem => problem.message.split(': ')[0])).toEqual(['NetworkPolicy/orders-default-deny spec.podSelector']);
  });

  it('reports on the isolating policy when no rule is meant for the gateway (allow-gateway deleted)', () => {
    const model = remove(withGateway(baselineModel(), 'eg'), 'NetworkPolicy', 'orders-allow-gateway');
    expect(staging(model).map(problem => [problem.object, problem.message])).toEqual([
      [
        'NetworkPolicy/orders-default-deny',
        'NetworkPolicy/orders-default-deny spec.podSelector: isolates the pods of Rollout/orders for ingress, and Envoy Gateway runs the proxies of ' +
          'Gateway gateway-system/public in its controller namespace (envoy-gateway-system by default): ' +
          "no ingress rule admits them to port http of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
      ],
    ]);
    // Without the default deny nothing isolates the pods: every source may connect.
    expect(problemsOf(remove(model, 'NetworkPolicy', 'orders-default-deny'))).toEqual([]);
  });

  it('leaves routes through no Gateway alone (GAMMA parentRefs to a Service), and checks GRPCRoutes', () => {
    const mesh = edit(withGateway(baselineModel(), 'eg'), 'HTTPRoute', 'orders', route => { route.spec.parentRefs = [{ group: '', kind: 'Service', name: 'orders' }]; });
    expect(problemsOf(mesh)).toEqual([]);
    const grpc = withGateway(baselineModel(), 'eg');
    edit(grpc, 'HTTPRoute', 'orders', route => { route.kind = 'GRPCRoute'; });
    expect(staging(grpc).map(problem => problem.message)).toEqual([expect.stringContaining("so GRPCRoute/orders's traffic is dropped")]);
  });

  describe('Istio (proxies beside the Gateway)', () => {
    it('accepts the Gateway\'s namespace and the proxies\' gateway-name label, and flags the Envoy Gateway namespace', () => {
      expect(problemsOf(withGateway(baselineModel(), 'istio'))).toEqual([]);
      expect(problemsOf(gatewayPeers(withGateway(baselineModel(), 'istio'), [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } },
      ]))).toEqual([]);
      expect(messages(gatewayPeers(withGateway(baselineModel(), 'istio'), [{ namespaceSelector: { matchLabels: EG_NAMESPACE } }]))).toEqual([
        "NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: Istio runs the proxies of Gateway gateway-system/public in the Gateway's namespace " +
          "(gateway-system), not in envoy-gateway-system: no ingress rule admits them to port http of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
      ]);
      expect(messages(gatewayPeers(withGateway(baselineModel(), 'istio'), [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'private' } } },
      ]))[0]).toContain('asks for gateway.networking.k8s.io/gateway-name=private, but the proxies of Gateway gateway-system/public are labelled gateway.networking.k8s.io/gateway-name=public');
    });

    it('admits a podSelector-only peer when the Gateway (so its proxies) is in the pods\' own namespace', () => {
      const model = withGateway(baselineModel(), 'istio', undefined);
      edit(model, 'HTTPRoute', 'orders', route => { route.spec.parentRefs = [{ name: 'public' }]; });
      gatewayPeers(model, [{ podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }]);
      expect(problemsOf(model)).toEqual([]);
      // In another namespace, a podSelector alone never reaches them.
      const elsewhere = gatewayPeers(withGateway(baselineModel(), 'istio'), [{ podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }]);
      expect(messages(elsewhere)[0]).toContain(
        "from[0]: a podSelector without namespaceSelector admits pods of the policy's own namespace only, but Istio runs the proxies of Gateway gateway-system/public in the Gateway's namespace (gateway-system)",
      );
    });

    it('trusts a GatewayClass in the repo over the class name: `eg` run by Istio\'s controller is Istio', () => {
      const model = withGatewayClass(withGateway(baselineModel(), 'eg'), 'eg', 'istio.io/gateway-controller');
      expect(problemsOf(model)).toEqual([]);
      const envoy = withGatewayClass(withGateway(baselineModel(), 'edge'), 'edge', 'gateway.envoyproxy.io/gatewayclass-controller');
      expect(messages(envoy)[0]).toContain('Envoy Gateway runs the proxies of Gateway gateway-system/public in its controller namespace');
    });
  });

  it('judges an unknown implementation only where the peer can never be the proxies', () => {
    const model = () => withGateway(baselineModel(), 'traefik');
    expect(problemsOf(model())).toEqual([]);
    expect(problemsOf(gatewayPeers(model(), [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }]))).toEqual([]);
    expect(messages(gatewayPeers(model(), [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik', 'gateway.networking.k8s.io/gateway-name': 'public' } } }]))).toEqual([
      "NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: a podSelector without namespaceSelector admits pods of the policy's own namespace only, " +
        'and the proxies of Gateway gateway-system/public (class traefik, an implementation the validator does not know) run outside it, ' +
        "beside the Gateway or their controller: no ingress rule admits them to port http of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
    ]);
  });

  it('never throws on routes, Services, Gateways and policies of the wrong shape', () => {
    const model = withGatewayClass(withGateway(baselineModel(), 'eg'), 'eg', 5 as unknown as string);
    for (const junk of [null, 5, 'x', [], [null, 7], { from: 'x', ports: [null, { port: {} }] }, { from: [{ podSelector: 3, namespaceSelector: { matchExpressions: [null, { key: 5 }] } }] }]) {
      add(model, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'junk' }, spec: { podSelector: junk, ingress: [junk], policyTypes: junk } });
      add(model, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'junk' }, spec: { parentRefs: [junk, { name: 'public' }], rules: [junk, { backendRefs: [junk, { name: 'orders', port: 'x' }] }] } });
      add(model, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd' }, spec: { selector: junk, ports: [junk, { port: 80, targetPort: {} }] } });
    }
    model.rawObjects.push({ object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public' }, spec: 'x' } as any, file: 'deploy/platform/odd.yaml' });
    expect(() => problemsOf(model)).not.toThrow();
  });
});

describe('network-gateway-source on the rendered repo', () => {
  const POLICIES = 'deploy/base/networkpolicies.yaml';
  /** The allow-gateway peer as generated for Envoy Gateway: the proxies' namespace and labels. */
  const GENERATED_PEER = /- namespaceSelector:\n {12}matchLabels:\n {14}kubernetes\.io\/metadata\.name: envoy-gateway-system\n {10}podSelector:\n {12}matchLabels:\n(?: {14}.*\n){2}/;
  const peer = (files: RepoFiles, replacement: string) => editFile(files, POLICIES, GENERATED_PEER, replacement);
  let minimal: RepoFiles;
  beforeAll(async () => {
    minimal = await renderExample('minimal');
  });

  it.each(['minimal', 'postgres'] as const)('%s: passes', async example => {
    expect(await unitProblems(networkGatewaySource, await renderExample(example))).toEqual([]);
  });

  it('passes a repo for another implementation with its data plane set: Istio beside its Gateway, and a class it does not know', async () => {
    const istio = await renderExample({
      name: 'orders',
      owner: 'group:default/team-a',
      description: 'Takes and tracks customer orders.',
      gateway: { className: 'istio', namespace: 'istio-ingress', dataPlane: { namespace: 'istio-ingress', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public-gateway' } } },
    });
    expect(istio.get(POLICIES)).toContain('gateway.networking.k8s.io/gateway-name: "public-gateway"');
    expect(await unitProblems(networkGatewaySource, istio)).toEqual([]);
    // Istio's proxies are not in the Envoy Gateway namespace, whatever the spec says.
    const misplaced = editFile(istio, POLICIES, 'kubernetes.io/metadata.name: istio-ingress', 'kubernetes.io/metadata.name: envoy-gateway-system');
    expect((await unitProblems(networkGatewaySource, misplaced)).map(problem => problem.message.split(': ').slice(0, 2).join(': '))).toEqual([
      "NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: Istio runs the proxies of Gateway istio-ingress/public-gateway in the Gateway's namespace (istio-ingress), not in envoy-gateway-system",
    ]);
    const traefik = await renderExample({
      name: 'orders',
      owner: 'group:default/team-a',
      description: 'Takes and tracks customer orders.',
      gateway: { className: 'traefik', dataPlane: { namespace: 'traefik' } },
    });
    expect(await unitProblems(networkGatewaySource, traefik)).toEqual([]);
  });

  it('passes Envoy Gateway with only its data-plane namespace set (Gateway Namespace Mode, or a controller installed elsewhere)', async () => {
    const files = await renderExample({
      name: 'orders',
      owner: 'group:default/team-a',
      description: 'Takes and tracks customer orders.',
      gateway: { dataPlane: { namespace: 'gateway-system' } },
    });
    // The generator keeps the owning-gateway labels, which say where the proxies run in every mode.
    expect(files.get(POLICIES)).toContain('gateway.envoyproxy.io/owning-gateway-name: "public-gateway"');
    expect(files.get(POLICIES)).toContain('kubernetes.io/metadata.name: gateway-system');
    expect(await unitProblems(networkGatewaySource, files)).toEqual([]);
  });

  it('(a) reports the original defect, a peer admitting only the Gateway\'s namespace, at file, line, object and field', async () => {
    const files = peer(minimal, '- namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: gateway-system\n');
    const line = files.get(POLICIES)!.split('\n').indexOf('        - namespaceSelector:') + 1;
    expect(await unitProblems(networkGatewaySource, files)).toEqual([
      {
        check: 'reference',
        rule: 'network-gateway-source',
        file: POLICIES,
        line,
        environment: 'staging, production',
        object: 'NetworkPolicy/orders-allow-gateway',
        message:
          'NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: Envoy Gateway runs the proxies of Gateway gateway-system/public-gateway ' +
          'in its controller namespace (envoy-gateway-system by default), not in gateway-system: no ingress rule admits them to port http ' +
          "of Rollout/orders, so HTTPRoute/orders's traffic is dropped",
      },
    ]);
  });

  it('(b) reports a podSelector for another Gateway\'s proxies', async () => {
    const files = editFile(minimal, POLICIES, 'gateway.envoyproxy.io/owning-gateway-name: "public-gateway"', 'gateway.envoyproxy.io/owning-gateway-name: "internal-gateway"');
    const problems = await unitProblems(networkGatewaySource, files);
    expect(problems.map(problem => [problem.object, problem.message.split(': ').slice(0, 2).join(': ')])).toEqual([
      [
        'NetworkPolicy/orders-allow-gateway',
        'NetworkPolicy/orders-allow-gateway spec.ingress[0].from[0]: its podSelector asks for gateway.envoyproxy.io/owning-gateway-name=internal-gateway, ' +
          'but the proxies of Gateway gateway-system/public-gateway are labelled gateway.envoyproxy.io/owning-gateway-name=public-gateway',
      ],
    ]);
  });

  it('(c) reports a gateway rule on another port', async () => {
    const files = editFile(minimal, POLICIES, /(owning-gateway-namespace: "gateway-system"\n {6}ports:\n {8}- protocol: TCP\n {10}port: )http\n/, '$1metrics\n');
    const problems = await unitProblems(networkGatewaySource, files);
    expect(problems.map(problem => [problem.object, problem.message.split(': ')[0], problem.file])).toEqual([
      ['NetworkPolicy/orders-allow-gateway', 'NetworkPolicy/orders-allow-gateway spec.ingress[0].ports', POLICIES],
    ]);
    expect(problems[0].message).toContain('on metrics/TCP only, not on port http (8080)');
  });

  it('(d) reports a deleted allow-gateway policy on the default deny that remains', async () => {
    const files = editFile(minimal, POLICIES, /apiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy\nmetadata:\n {2}name: orders-allow-gateway\n[\s\S]*?\n---\n/, '');
    expect(files.get(POLICIES)).not.toContain('orders-allow-gateway');
    const problems = await unitProblems(networkGatewaySource, files);
    expect(problems.map(problem => [problem.object, problem.file, problem.message.split(': ')[0]])).toEqual([
      ['NetworkPolicy/orders-default-deny', POLICIES, 'NetworkPolicy/orders-default-deny spec.podSelector'],
    ]);
  });

  it('passes an ipBlock peer it cannot judge', async () => {
    const files = peer(minimal, '- ipBlock:\n            cidr: 10.0.0.0/8\n');
    expect(await unitProblems(networkGatewaySource, files)).toEqual([]);
  });
});

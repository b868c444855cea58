/* eslint-disable @typescript-eslint/no-explicit-any -- tests edit deep, loosely typed manifests */
import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { resolveServiceSpec } from '@slipway/common';
import { renderService, RenderedFile } from '@slipway/render';
import { KustomizeLocator, requireShippedKustomize } from '../kustomize';
import { validateRenderedFiles } from '../pipeline';
import type { RepoModel } from '../types';
import { add, baselineModel, edit } from '../policy/__fixtures__/repoModel';
import { networkpolicyPorts } from './networkpolicy-ports';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const problemsOf = (model: RepoModel) => networkpolicyPorts.run(model);
const staging = (model: RepoModel) => problemsOf(model).filter(problem => problem.environment === 'staging');
const gatewayPort = (change: (port: any) => void) =>
  edit(baselineModel(), 'NetworkPolicy', 'orders-allow-gateway', policy => change(policy.spec.ingress[0].ports[0]));

describe('networkpolicy-ports', () => {
  it('passes the baseline: named ingress ports the Rollout declares, egress to the database port', () => {
    expect(problemsOf(baselineModel())).toEqual([]);
    expect(problemsOf(baselineModel({ built: false }))).toEqual([]);
  });

  it("flags a named port no selected pod declares (the 'htp' typo), naming object, field and rule", () => {
    const [problem, ...rest] = staging(gatewayPort(port => { port.port = 'htp'; }));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ check: 'reference', rule: 'networkpolicy-ports', object: 'NetworkPolicy/orders-allow-gateway', environment: 'staging' });
    expect(problem.message).toBe(
      'NetworkPolicy/orders-allow-gateway spec.ingress[0].ports[0].port: "htp" is not a named container port of the pods it selects ' +
        '(Rollout/orders: 8080 http, 9464 metrics): a named port matches only pods that declare it, so this rule allows nothing ' +
        'and the traffic it was meant for is dropped',
    );
  });

  it('points a base mistake at the base file, and an overlay patch at the overlay', () => {
    const base = gatewayPort(port => { port.port = 'htp'; });
    expect(staging(base)[0].file).toBe('deploy/base/resources.yaml');
    const patched = baselineModel();
    const built = patched.environments.get('staging')!.find(loaded => loaded.object.metadata.name === 'orders-allow-gateway')!;
    (built.object as any).spec.ingress[0].ports[0].port = 'htp';
    expect(staging(patched)[0].file).toBe('deploy/overlays/staging');
  });

  it('flags a named port of the wrong protocol', () => {
    expect(staging(gatewayPort(port => { port.protocol = 'UDP'; }))[0].message).toContain('"http" is a TCP port of the pods it selects');
  });

  it('flags a number no selected container declares, saying when it is the Service port', () => {
    const [problem] = staging(gatewayPort(port => { port.port = 80; }));
    expect(problem.rule).toBe('networkpolicy-ports');
    expect(problem.message).toContain("80/TCP is not a containerPort of the pods it selects (Rollout/orders: 8080 http, 9464 metrics) " +
      "(80 is the port of Service/orders; NetworkPolicies see the pod's port, here http)");
  });

  it('accepts the container port by number and a range that covers it', () => {
    expect(problemsOf(gatewayPort(port => { port.port = 8080; }))).toEqual([]);
    expect(problemsOf(gatewayPort(port => { port.port = 8000; port.endPort = 8100; }))).toEqual([]);
    expect(staging(gatewayPort(port => { port.port = 8000; port.endPort = 8010; }))[0].message).toContain('8000-8010/TCP');
  });

  it('does not judge numbers for pods that declare no ports, but still names', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', rollout => { delete rollout.spec.template.spec.containers[0].ports; });
    edit(model, 'NetworkPolicy', 'orders-allow-gateway', policy => { policy.spec.ingress[0].ports = [{ port: 8080 }, { port: 'http' }]; });
    expect(staging(model).map(problem => problem.message.split(':')[0])).toEqual(['NetworkPolicy/orders-allow-gateway spec.ingress[0].ports[1].port']);
  });

  it('checks egress ports against pods in the repo (CloudNativePG instances), and only those', () => {
    const wrong = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-db', policy => { policy.spec.egress[0].ports[0].port = 5433; });
    expect(staging(wrong)[0].message).toContain('spec.egress[0].ports[0].port: 5433/TCP is not a containerPort of the pods this rule reaches (Cluster/orders-db:');
    const ownNamespace = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-db', policy => {
      policy.spec.egress[0].to[0].namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': policy.metadata.namespace ?? 'none' } };
      policy.spec.egress[0].ports[0].port = 'postgres';
    });
    expect(staging(ownNamespace).map(problem => problem.rule)).toEqual(['networkpolicy-ports']);
    // Other namespaces, ipBlocks and pods nobody in the repo makes are out of reach: not judged.
    const outside = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-db', policy => {
      policy.spec.egress = [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } }], ports: [{ port: 'grpc' }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { podSelector: { matchLabels: { 'cnpg.io/cluster': 'orders-db' } } }], ports: [{ port: 6379 }] },
        { to: [{ podSelector: { matchLabels: { app: 'redis' } } }], ports: [{ port: 'redis' }] },
      ];
    });
    expect(problemsOf(outside)).toEqual([]);
  });

  it('leaves rules of a direction the policy does not enforce alone', () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-gateway', policy => {
      policy.spec.policyTypes = ['Egress'];
      policy.spec.ingress[0].ports[0].port = 'htp';
    });
    expect(problemsOf(model)).toEqual([]);
  });

  it('never throws on policies and pods of the wrong shape', () => {
    const model = baselineModel();
    for (const junk of [null, 5, 'x', [], [null, 7], { ports: 'x' }, { to: 3, ports: [null, { port: {} }] }]) {
      add(model, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'junk' }, spec: { podSelector: junk, ingress: [junk], egress: [junk], policyTypes: junk } });
    }
    add(model, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'odd' }, spec: { template: { spec: { containers: [{ ports: [null, 'x', { name: 5 }] }] } } } });
    expect(() => problemsOf(model)).not.toThrow();
  });
});

describe('networkpolicy-ports on the rendered repo', () => {
  let kubectl: KustomizeLocator;
  beforeAll(async () => {
    kubectl = await requireShippedKustomize();
  });

  async function render(example: string): Promise<RenderedFile[]> {
    return renderService(resolveServiceSpec(parse(await fs.readFile(path.join(REPO_ROOT, example), 'utf8'))));
  }

  function withTypo(files: RenderedFile[]): RenderedFile[] {
    return files.map(file => {
      if (file.path !== 'deploy/base/networkpolicies.yaml') return file;
      expect(file.content.match(/port: http\n/g)).toHaveLength(1);
      return { ...file, content: file.content.replace('port: http\n', 'port: htp\n') };
    });
  }

  it.each(['skeletons/node-service/examples/minimal.yaml', 'skeletons/node-service/examples/postgres.yaml'])('%s: passes, and reports the htp typo at file, line, object and field', async example => {
    const files = await render(example);
    const clean = await validateRenderedFiles(files, { kustomize: kubectl });
    expect(clean.problems.filter(problem => problem.rule === 'networkpolicy-ports')).toEqual([]);

    const report = await validateRenderedFiles(withTypo(files), { kustomize: kubectl });
    const name = resolveServiceSpec(parse(await fs.readFile(path.join(REPO_ROOT, example), 'utf8'))).name;
    const text = files.find(file => file.path === 'deploy/base/networkpolicies.yaml')!.content;
    const line = text.split('\n').indexOf('          port: http') + 1;
    expect(report.problems.filter(problem => problem.rule === 'networkpolicy-ports')).toEqual([
      {
        check: 'reference',
        rule: 'networkpolicy-ports',
        file: 'deploy/base/networkpolicies.yaml',
        line,
        environment: 'staging, production',
        object: `NetworkPolicy/${name}-allow-gateway`,
        message: expect.stringMatching(new RegExp(`^NetworkPolicy/${name}-allow-gateway spec\\.ingress\\[0\\]\\.ports\\[0\\]\\.port: "htp" is not a named container port`)),
      },
    ]);
  });
});

import { checkNetworkPolicies } from './networkPolicy';
import { baselineModel, edit, problemsOf, remove, rulesOf } from './__fixtures__/repoModel';

describe('NetworkPolicies', () => {
  it('passes the baseline (default deny, DNS, explicit allows)', () => {
    expect(rulesOf(checkNetworkPolicies, baselineModel())).toEqual([]);
  });

  it('flags pods no policy selects', () => {
    let model = baselineModel();
    for (const name of ['default-deny', 'allow-dns', 'allow-gateway', 'allow-db']) model = remove(model, 'NetworkPolicy', `orders-${name}`);
    const problems = problemsOf(checkNetworkPolicies, model);
    expect([...new Set(problems.map(p => p.rule))]).toEqual(['network-policy-coverage']);
    expect(problems.map(p => p.object)).toContain('Job/orders-migrate');
  });

  it('flags a missing default deny', () => {
    const model = remove(baselineModel(), 'NetworkPolicy', 'orders-default-deny');
    const problems = problemsOf(checkNetworkPolicies, model);
    expect(new Set(problems.map(p => p.rule))).toEqual(new Set(['network-default-deny']));
    expect(problems[0].message).toContain('Ingress and Egress');
  });

  it('flags a default deny covering only ingress', () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-default-deny', p => { p.spec.policyTypes = ['Ingress']; });
    expect(problemsOf(checkNetworkPolicies, model)[0].message).toContain('policyTypes Egress');
  });

  it('flags egress deny without DNS', () => {
    const model = remove(baselineModel(), 'NetworkPolicy', 'orders-allow-dns');
    expect(rulesOf(checkNetworkPolicies, model)).toEqual(['network-dns-egress']);
  });

  it('flags DNS over UDP only', () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-dns', p => { p.spec.egress[0].ports = [{ protocol: 'UDP', port: 53 }]; });
    expect(rulesOf(checkNetworkPolicies, model)).toEqual(['network-dns-egress']);
  });

  it('flags DNS allowed only inside the own namespace', () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-dns', p => { delete p.spec.egress[0].to[0].namespaceSelector; });
    expect(rulesOf(checkNetworkPolicies, model)).toEqual(['network-dns-egress']);
  });

  // Issue 8, defect 8: DNS egress assumed kube-system/kube-dns; clusters name the DNS pods
  // otherwise, and NodeLocal DNSCache answers from the node's network on 169.254.20.10.
  it('accepts cluster DNS under another namespace and labels, or NodeLocal DNSCache alone', () => {
    const renamed = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-dns', p => {
      p.spec.egress[0].to = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }];
    });
    expect(rulesOf(checkNetworkPolicies, renamed)).toEqual([]);
    const nodeLocal = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-dns', p => { p.spec.egress[0].to = [{ ipBlock: { cidr: '169.254.20.10/32' } }]; });
    expect(rulesOf(checkNetworkPolicies, nodeLocal)).toEqual([]);
  });

  it('does not take a namespaceSelector naming the own namespace for DNS', () => {
    const model = edit(baselineModel(), 'NetworkPolicy', 'orders-allow-dns', p => {
      p.spec.egress[0].to = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.metadata.namespace ?? 'orders' } } }];
    });
    const problems = problemsOf(checkNetworkPolicies, model).filter(problem => problem.environment === 'staging');
    expect(problems.map(problem => problem.rule)).toContain('network-dns-egress');
    expect(problems[0].message).toContain('NodeLocal DNSCache 169.254.20.10/32');
  });
});

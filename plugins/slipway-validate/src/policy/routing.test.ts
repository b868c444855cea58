import { checkRouting } from './routing';
import { add, baselineModel, edit, rulesOf } from './__fixtures__/repoModel';

const ingress = (spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', labels: {} }, spec });

describe('entry points that route nothing', () => {
  it('passes the baseline HTTPRoute', () => {
    expect(rulesOf(checkRouting, baselineModel())).toEqual([]);
  });

  it('flags an Ingress without rules, and a rule without host', () => {
    expect(rulesOf(checkRouting, add(baselineModel(), ingress({ defaultBackend: { service: { name: 'orders', port: { number: 80 } } } })))).toEqual(['ingress-rules']);
    expect(rulesOf(checkRouting, add(baselineModel(), ingress({ rules: [{ http: { paths: [] } }] })))).toEqual(['ingress-rules']);
  });

  it('accepts an Ingress with host rules', () => {
    expect(rulesOf(checkRouting, add(baselineModel(), ingress({ rules: [{ host: 'orders.example.com' }] })))).toEqual([]);
  });

  it('flags an HTTPRoute without hostnames', () => {
    expect(rulesOf(checkRouting, edit(baselineModel(), 'HTTPRoute', 'orders', r => { delete r.spec.hostnames; }))).toEqual(['httproute-hostnames']);
  });

  it('flags an HTTPRoute rule without backendRefs, but not a redirect', () => {
    expect(rulesOf(checkRouting, edit(baselineModel(), 'HTTPRoute', 'orders', r => { r.spec.rules[0].backendRefs = []; }))).toEqual(['httproute-backends']);
    const redirect = edit(baselineModel(), 'HTTPRoute', 'orders', r => {
      r.spec.rules.push({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] });
    });
    expect(rulesOf(checkRouting, redirect)).toEqual([]);
  });
});

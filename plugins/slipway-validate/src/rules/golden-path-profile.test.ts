import { goldenPathProfile } from './golden-path-profile';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'golden-path-profile';

const ingress = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: orders-direct
spec:
  ingressClassName: nginx
  rules:
    - host: orders.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: { name: orders, port: { number: 80 } }
`;

describe(ID, () => {
  it.each(['minimal', 'postgres', 'three-environments'] as const)('passes the %s example', async example => {
    expect(await unitProblems(goldenPathProfile, await renderExample(example))).toEqual([]);
  });

  it('reports a kind the profile requires once it is gone from every environment, naming what it was for', async () => {
    const files = editFile(await renderExample('minimal'), 'deploy/base/kustomization.yaml', '  - pdb.yaml\n', '');
    const problems = await unitProblems(goldenPathProfile, files);
    expect(problems.map(problem => [problem.environment, problem.message])).toEqual([
      ['staging', expect.stringMatching(/^Component orders is a node-service \(slipway.dev\/skeleton\), whose every environment has a PodDisruptionBudget \(keeping replicas up while nodes drain\); the built deploy\/overlays\/staging has none$/)],
      ['production', expect.stringMatching(/PodDisruptionBudget .* deploy\/overlays\/production has none$/)],
    ]);
  });

  it('reports a forbidden kind: an Ingress beside the canaried HTTPRoute', async () => {
    let files = await renderExample('minimal');
    files = new Map(files).set('deploy/overlays/production/ingress.yaml', ingress);
    files = editFile(files, 'deploy/overlays/production/kustomization.yaml', /resources:\n/, 'resources:\n  - ingress.yaml\n');
    const problems = await unitProblems(goldenPathProfile, files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ environment: 'production', object: 'Ingress/orders-direct' });
    expect(problems[0].message).toMatch(/a node-service \(Component orders\) has no Ingress: the service is routed by a Gateway API HTTPRoute/);
  });

  it('checks nothing for a Component whose golden path is not registered, or that names none', async () => {
    const stripped = editFile(await renderExample('minimal'), 'deploy/base/kustomization.yaml', '  - pdb.yaml\n', '');
    const unknown = editFile(stripped, 'catalog-info.yaml', /slipway\.dev\/skeleton: node-service@/, 'slipway.dev/skeleton: acme-job@');
    expect(await unitProblems(goldenPathProfile, unknown)).toEqual([]);
    const none = editFile(stripped, 'catalog-info.yaml', /\n\s*slipway\.dev\/skeleton: [^\n]*/, '');
    expect(await unitProblems(goldenPathProfile, none)).toEqual([]);
  });
});

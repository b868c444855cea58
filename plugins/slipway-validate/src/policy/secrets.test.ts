import { checkCommittedSecrets, checkPlaintextCredentials, looksLikeCredentialName } from './secrets';
import { baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

describe('secrets in Git', () => {
  it('passes the baseline (the database secret is made by CloudNativePG)', () => {
    expect(rulesOf([checkCommittedSecrets, checkPlaintextCredentials], baselineModel())).toEqual([]);
  });

  it('flags a Secret with data in any YAML file, naming file and object', () => {
    const model = baselineModel();
    model.files.set('deploy/base/db-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n');
    const problems = problemsOf(checkCommittedSecrets, model);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: 'secret-in-git', file: 'deploy/base/db-secret.yaml', object: 'Secret/db' });
    expect(problems[0].message).toContain('ExternalSecret');
  });

  it('finds a Secret in a later document and ignores data-less Secrets', () => {
    const model = baselineModel();
    model.files.set('misc/x.yml', 'kind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\nmetadata: {name: empty}\n---\nkind: Secret\nmetadata: {name: b}\ndata: {k: dg==}\n');
    expect(problemsOf(checkCommittedSecrets, model).map(p => p.object)).toEqual(['Secret/b']);
  });

  it('flags kustomize secretGenerator', () => {
    const model = baselineModel();
    model.files.set('deploy/overlays/staging/kustomization.yaml',
      'resources: [../../base]\nsecretGenerator:\n  - name: api\n    literals: [TOKEN=abc]\n');
    expect(problemsOf(checkCommittedSecrets, model)[0].message).toContain('secretGenerator[0]: generates Secret/api');
  });

  it('does not crash on broken YAML', () => {
    const model = baselineModel();
    model.files.set('bad.yaml', 'kind: Secret\n  data: [unclosed\n');
    expect(() => checkCommittedSecrets(model)).not.toThrow();
  });

  it.each([
    ['DB_PASSWORD', true], ['API_TOKEN', true], ['CLIENT_SECRET', true], ['STRIPE_API_KEY', true], ['APIKEY', true],
    ['SECRET_NAME', false], ['TOKEN_TTL', false], ['KEYCLOAK_URL', false], ['LOG_LEVEL', false], ['PASSWORD_FILE', false],
  ])('%s looks like a credential: %s', (name, expected) => {
    expect(looksLikeCredentialName(name)).toBe(expected);
  });

  it('flags a literal credential in container env and in a ConfigMap', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      r.spec.template.spec.containers[0].env.push({ name: 'API_TOKEN', value: 's3cr3t' });
    });
    edit(model, 'ConfigMap', 'orders-config', cm => { cm.data.DB_PASSWORD = 'hunter2'; });
    const problems = problemsOf(checkPlaintextCredentials, model);
    expect(problems.map(p => p.rule)).toEqual(Array(4).fill('env-plaintext-credential'));
    expect(problems[0].message).toContain('env[3].value: API_TOKEN is set to a literal value');
  });
});

import { ciRegistryCredentials } from './ci-registry-credentials';
import { problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-registry-credentials';
const LOGIN = 'docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121';

const job = (permissions: string, env: string, steps: string) => ({
  [WORKFLOW]: `on: push\npermissions: {}\nenv:\n  REGISTRY: docker.io\n${env}jobs:\n  image:\n    runs-on: x\n    permissions: {${permissions}}\n    steps:\n${steps}`,
});

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(Object.keys(REGISTRY_VARIANTS))('passes the %s login', async variant => {
      expect(problemsOf(ciRegistryCredentials, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
    });

    it('reports defect 9: GITHUB_TOKEN sent to a registry other than ghcr.io', async () => {
      const files = editFile(await renderCi(REGISTRY_VARIANTS['docker hub (secrets)']), WORKFLOW, /\$\{\{ secrets\.DOCKERHUB_TOKEN \}\}/g, '${{ secrets.GITHUB_TOKEN }}');
      const problems = problemsOf(ciRegistryCredentials, files);
      expect(problems.map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.image.steps[3].with.password: logs in to docker.io with the workflow\'s GITHUB_TOKEN, which only ghcr.io accepts'),
        expect.stringContaining('jobs.promote-production.steps[3].with.password: logs in to docker.io'),
      ]);
      expect(problems[0]).toMatchObject({ rule: ID, file: WORKFLOW, line: expect.any(Number) });
    });

    it('reports an OIDC login whose job lost id-token: write', async () => {
      const files = editFile(await renderCi(REGISTRY_VARIANTS['amazon ecr (oidc)']), WORKFLOW, /\n {6}id-token: write {4}# GitHub OIDC token for the IAM role/g, '');
      expect(problemsOf(ciRegistryCredentials, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.image.permissions: logs in with OIDC but the job\'s token has no id-token: write'),
        expect.stringContaining('jobs.promote-production.permissions: logs in with OIDC'),
      ]);
    });
  });

  describe('on any repo', () => {
    it('resolves the registry through env, and accepts GITHUB_TOKEN for ghcr.io', () => {
      const login = (registry: string) => `      - uses: ${LOGIN}\n        with: {registry: "${registry}", username: u, password: "\${{ github.token }}"}\n`;
      expect(problemsOf(ciRegistryCredentials, job('packages: write', '', login('${{ env.REGISTRY }}')))[0].message).toContain('logs in to docker.io');
      expect(problemsOf(ciRegistryCredentials, job('packages: write', '', login('ghcr.io')))).toEqual([]);
    });

    it('reports Docker Hub by default (no registry given) and a scripted docker login', () => {
      const noRegistry = `      - uses: ${LOGIN}\n        with: {username: u, password: "\${{ secrets.GITHUB_TOKEN }}"}\n`;
      expect(problemsOf(ciRegistryCredentials, job('', '', noRegistry))[0].message).toContain('logs in to docker.io');
      const script = '      - env: {TOKEN: "${{ secrets.GITHUB_TOKEN }}"}\n        run: echo "$TOKEN" | docker login quay.io -u me --password-stdin\n';
      expect(problemsOf(ciRegistryCredentials, job('', '', script))[0].message).toContain('registry login to quay.io');
    });

    it('reports an ECR login with no AWS credentials in the job', () => {
      const ecr = `      - uses: ${LOGIN}\n        with: {registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com}\n`;
      expect(problemsOf(ciRegistryCredentials, job('', '', ecr))[0].message).toContain('without a username, a password or AWS credentials');
      expect(problemsOf(ciRegistryCredentials, job('', '', ecr.replace('\n', '\n        env: {AWS_ACCESS_KEY_ID: "${{ secrets.K }}"}\n')))).toEqual([]);
    });

    it('never throws on malformed workflows', () => {
      for (const text of ['jobs: {a: {steps: [{uses: docker/login-action@x, with: [1]}, {run: 5, env: 3}]}}\n', 'jobs: {a: {permissions: 3, steps: [{uses: google-github-actions/auth@x}]}}\n']) {
        expect(() => problemsOf(ciRegistryCredentials, { [WORKFLOW]: text })).not.toThrow();
      }
    });
  });
});

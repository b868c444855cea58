import { ciCrossRepoPush } from './ci-cross-repo-push';
import { problemsOf, renderCi, WORKFLOW } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-cross-repo-push';
/** The spec a system with the config-repo layout gives a part (partValues: gitops.manifests). */
const CONFIG_REPO = { gitops: { manifests: { repoUrl: 'https://github.com/example-org/shop-config.git', path: 'apps/orders' } } };
const MINIMAL = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };
const TOKEN = '${{ steps.config-repo-token.outputs.token }}';

describe(ID, () => {
  describe('on the generated repo', () => {
    it('passes the app-repos workflow (no other repository) and the config-repo one, in two and three environments', async () => {
      expect(problemsOf(ciCrossRepoPush, await renderCi('minimal'))).toEqual([]);
      expect(problemsOf(ciCrossRepoPush, await renderCi({ ...MINIMAL, ...CONFIG_REPO }))).toEqual([]);
      const three = { ...MINIMAL, ...CONFIG_REPO, environments: [{ name: 'dev', host: 'dev.example.com' }, { name: 'staging', host: 'staging.example.com' }, { name: 'production', host: 'example.com' }] };
      expect(problemsOf(ciCrossRepoPush, await renderCi(three))).toEqual([]);
    });

    it('reports the config repo checked out with the default GITHUB_TOKEN: the push would be refused', async () => {
      const files = editFile(await renderCi({ ...MINIMAL, ...CONFIG_REPO }), WORKFLOW, new RegExp(`\\n {10}token: ${TOKEN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g'), '');
      const problems = problemsOf(ciCrossRepoPush, files);
      expect(problems.map(problem => problem.message)).toEqual([
        expect.stringContaining("jobs.deploy.steps[1].with: checks out example-org/shop-config with the workflow's GITHUB_TOKEN"),
        expect.stringContaining("jobs.promote-production.steps[7].with: checks out example-org/shop-config with the workflow's GITHUB_TOKEN"),
      ]);
      expect(problems[0]).toMatchObject({ rule: ID, file: WORKFLOW, line: expect.any(Number) });
    });

    it('reports a literal token in the workflow file', async () => {
      const files = editFile(await renderCi({ ...MINIMAL, ...CONFIG_REPO }), WORKFLOW, `token: ${TOKEN}\n          path: config-repo\n          fetch-depth: 0`, 'token: ghp_0123456789abcdef\n          path: config-repo\n          fetch-depth: 0');
      expect(problemsOf(ciCrossRepoPush, files).map(problem => problem.message)).toEqual([expect.stringContaining('jobs.deploy.steps[1].with.token: is a literal credential in the workflow file')]);
    });

    it('reports a push to the config repo that no longer fetches, rebases and retries', async () => {
      const files = editFile(
        await renderCi({ ...MINIMAL, ...CONFIG_REPO }),
        WORKFLOW,
        /for attempt in 1 2 3 4 5; do\n\s*if git pull --rebase origin main && git push origin HEAD:main; then\n\s*exit 0\n\s*fi\n\s*sleep \$\(\(attempt \* 5\)\)\n\s*done\n\s*echo "could not push the deploy commit" >&2\n\s*exit 1/,
        'git push origin HEAD:main',
      );
      expect(problemsOf(ciCrossRepoPush, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.deploy.steps[3].run: pushes to example-org/shop-config without fetching, rebasing and retrying'),
      ]);
    });
  });

  describe('on any repo', () => {
    const job = (checkout: string, push: string) => ({
      [WORKFLOW]:
        'on: push\npermissions: {}\njobs:\n  bump:\n    runs-on: x\n    steps:\n' +
        `      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n        with: {repository: acme/config, path: config, ${checkout}}\n` +
        `      - run: |\n          cd config\n          ${push.split('\n').join('\n          ')}\n`,
    });
    const retry = 'for attempt in 1 2 3; do\n  git pull --rebase origin main && git push origin HEAD:main && break\ndone';

    it('accepts a deploy key from a secret, and a forced push of a branch of its own without a retry', () => {
      expect(problemsOf(ciCrossRepoPush, job('ssh-key: "${{ secrets.CONFIG_DEPLOY_KEY }}"', retry))).toEqual([]);
      expect(problemsOf(ciCrossRepoPush, job('token: "${{ secrets.CONFIG_TOKEN }}"', 'git push --force origin HEAD:refs/heads/bump'))).toEqual([]);
    });

    it('reports github.token and a credential from env, and leaves a checkout that never pushes alone', () => {
      expect(problemsOf(ciCrossRepoPush, job('token: "${{ github.token }}"', retry))[0].message).toContain("with the workflow's GITHUB_TOKEN");
      expect(problemsOf(ciCrossRepoPush, job('token: "${{ env.CONFIG_TOKEN }}"', retry))[0].message).toContain('neither a secret nor a step\'s minted token');
      expect(problemsOf(ciCrossRepoPush, job('token: "${{ github.token }}"', 'cat README.md'))).toEqual([]);
    });
  });
});

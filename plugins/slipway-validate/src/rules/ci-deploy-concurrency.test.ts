import { ciDeployConcurrency } from './ci-deploy-concurrency';
import { DEFECTIVE_WORKFLOW, problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-deploy-concurrency';

/** A deploy workflow for one environment, pushing a commit from a job with the given concurrency. */
const deployWorkflow = (on: string, environment: string, concurrency: string) =>
  `on: ${on}\npermissions: {}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: ${environment}\n${concurrency}    steps:\n      - run: git push origin HEAD:main\n`;

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant (deploy-staging and deploy-production)', async example => {
      expect(problemsOf(ciDeployConcurrency, await renderCi(example))).toEqual([]);
    });

    it.each(Object.keys(REGISTRY_VARIANTS))('passes the %s variant', async variant => {
      expect(problemsOf(ciDeployConcurrency, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
    });

    it('passes three environments (deploy-dev, deploy-staging, deploy-production)', async () => {
      expect(problemsOf(ciDeployConcurrency, await renderCi('three-environments'))).toEqual([]);
    });

    it('reports, with three environments, production put into staging\'s group: promote-staging of the next tag would cancel it waiting for its reviewers', async () => {
      const files = editFile(await renderCi('three-environments'), WORKFLOW, 'group: deploy-production', 'group: deploy-staging');
      expect(problemsOf(ciDeployConcurrency, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.promote-staging.concurrency.group: "deploy-staging" is the concurrency group of the staging and production deploys'),
        expect.stringContaining('jobs.promote-production.concurrency.group'),
      ]);
    });

    it('reports defect 11: one group for both environments, so a staging push cancels a pending production deploy', async () => {
      const problems = problemsOf(ciDeployConcurrency, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW));
      expect(problems).toEqual([expect.objectContaining({ rule: ID, file: WORKFLOW, line: expect.any(Number) })]);
      expect(problems[0].message).toContain('jobs.deploy.concurrency.group: "deploy-${{ github.repository }}" is the concurrency group of the staging and production deploys');
      expect(problems[0].message).toContain('deploy-staging and deploy-production');
    });

    it('reports the production job put back into the staging group', async () => {
      const files = editFile(await renderCi(), WORKFLOW, 'group: deploy-production', 'group: deploy-staging');
      const problems = problemsOf(ciDeployConcurrency, files);
      expect(problems.map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.deploy.concurrency.group'),
        expect.stringContaining('jobs.promote-production.concurrency.group'),
      ]);
    });

    it('reports a deploy that can be cancelled in progress', async () => {
      const files = editFile(await renderCi(), WORKFLOW, 'group: deploy-production\n      cancel-in-progress: false', 'group: deploy-production\n      cancel-in-progress: true');
      expect(problemsOf(ciDeployConcurrency, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.promote-production.concurrency.cancel-in-progress: can be true for a run that deploys (promote-production on push of tag v1.0.0)'),
      ]);
    });

    it('reports a workflow-level cancel-in-progress that is true for pushes too', async () => {
      const files = editFile(await renderCi(), WORKFLOW, "cancel-in-progress: ${{ github.event_name == 'pull_request' }}", 'cancel-in-progress: true');
      expect(problemsOf(ciDeployConcurrency, files).map(problem => problem.message)).toEqual([expect.stringContaining('concurrency.cancel-in-progress: can be true for a run that deploys (deploy on push to main)')]);
    });

    it('reports a production group per tag, so two releases deploy at once', async () => {
      const files = editFile(await renderCi(), WORKFLOW, 'group: deploy-production', 'group: deploy-production-${{ github.ref }}');
      expect(problemsOf(ciDeployConcurrency, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('changes from run to run (github.ref), so two production deploys'),
      ]);
    });
  });

  describe('on any repo', () => {
    it('reports a group shared across two workflow files', () => {
      const problems = problemsOf(ciDeployConcurrency, {
        '.github/workflows/staging.yml': deployWorkflow('{push: {branches: [main]}}', 'staging', '    concurrency: {group: Deploy}\n'),
        '.github/workflows/production.yml': deployWorkflow('{release: {types: [published]}}', 'production', '    concurrency: {group: deploy}\n'),
      });
      expect(problems.map(problem => problem.file)).toEqual(['.github/workflows/production.yml', '.github/workflows/staging.yml']);
    });

    it('reports a deploy job with no concurrency at all, and ignores jobs that only run for pull requests', () => {
      expect(problemsOf(ciDeployConcurrency, { [WORKFLOW]: deployWorkflow('push', 'staging', '') })[0].message).toContain('deploys without a concurrency group');
      expect(problemsOf(ciDeployConcurrency, { [WORKFLOW]: deployWorkflow('pull_request', 'preview', '') })).toEqual([]);
    });

    it('accepts a group per environment written as an expression of the environment', () => {
      const text =
        "on: {push: {branches: [main], tags: ['v*']}}\npermissions: {}\njobs:\n  deploy:\n    runs-on: x\n" +
        "    environment: ${{ startsWith(github.ref, 'refs/tags/') && 'production' || 'staging' }}\n" +
        "    concurrency:\n      group: deploy-${{ startsWith(github.ref, 'refs/tags/') && 'production' || 'staging' }}\n      cancel-in-progress: false\n" +
        '    steps: [{run: git push}]\n';
      expect(problemsOf(ciDeployConcurrency, { [WORKFLOW]: text })).toEqual([]);
    });

    it('never throws on malformed workflows', () => {
      for (const text of ['on: 5\njobs: {a: {environment: [1], concurrency: 3, steps: {}}}\n', 'jobs: {a: {needs: [a], if: "${{ (", steps: [{run: git push}]}}\n']) {
        expect(() => problemsOf(ciDeployConcurrency, { [WORKFLOW]: text })).not.toThrow();
      }
    });
  });
});

import { ciProductionEnvironment } from './ci-production-environment';
import { DEFECTIVE_WORKFLOW, problemsOf, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-production-environment';

describe(ID, () => {
  it.each(['minimal', 'postgres'] as const)('passes the generated %s variant (promote has environment: production)', async example => {
    expect(problemsOf(ciProductionEnvironment, await renderCi(example))).toEqual([]);
  });

  it('passes three environments: each promote job has its own environment', async () => {
    expect(problemsOf(ciProductionEnvironment, await renderCi('three-environments'))).toEqual([]);
  });

  it('finds production as the last environment catalog-info.yaml declares, whatever its name (qa → live)', async () => {
    const environments = [{ name: 'qa' }, { name: 'live' }];
    const files = await renderCi({ environments });
    expect(files.get('catalog-info.yaml')).toContain('slipway.dev/environments: qa,live');
    expect(problemsOf(ciProductionEnvironment, files)).toEqual([]);
    const ungated = editFile(files, WORKFLOW, '    environment: live\n', '');
    expect(problemsOf(ciProductionEnvironment, ungated).map(problem => problem.message)).toEqual([expect.stringContaining('jobs.promote-live: deploys to live (push of tag v1.0.0) without environment:')]);
  });

  it('reports defect 11: the pre-issue deploy job reached production with no GitHub environment to gate it', async () => {
    const problems = problemsOf(ciProductionEnvironment, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW));
    expect(problems).toEqual([expect.objectContaining({ rule: ID, file: WORKFLOW, message: expect.stringContaining('jobs.deploy: deploys to production (push of tag v1.0.0) without environment:') })]);
  });

  it('reports the promote job without its environment (found through ENVIRONMENT: production)', async () => {
    const files = editFile(await renderCi(), WORKFLOW, '    environment: production\n', '');
    expect(problemsOf(ciProductionEnvironment, files).map(problem => problem.message)).toEqual([expect.stringContaining('jobs.promote-production: deploys to production')]);
  });

  it('finds production through the overlay a script edits, and ignores other environments', () => {
    const job = (path: string) => ({ [WORKFLOW]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: cd deploy/overlays/${path} && kustomize edit set image app=app@sha256:1\n` });
    expect(problemsOf(ciProductionEnvironment, job('production'))).toHaveLength(1);
    expect(problemsOf(ciProductionEnvironment, job('staging'))).toEqual([]);
  });

  it('never throws on malformed workflows', () => {
    expect(() => problemsOf(ciProductionEnvironment, { [WORKFLOW]: 'jobs: {a: {env: 3, environment: [], steps: [{run: git push}]}}\n' })).not.toThrow();
  });
});

import { renderCi, modelOf, WORKFLOW } from '../rules/__fixtures__/ciRepo';
import { validateRenderedFiles } from '../pipeline';
import { actionlintProblems, isOutdatedFinding } from './actionlint';

const workflow = (body: string) => modelOf({ [WORKFLOW]: `on: push\npermissions: {}\njobs:\n  a:\n${body}` });

describe('actionlint (rule actionlint)', () => {
  it.each(['minimal', 'postgres'] as const)('finds nothing in the generated %s workflow', async example => {
    expect((await actionlintProblems(modelOf(await renderCi(example)))).problems).toEqual([]);
  });

  it('reports each finding with file, line, column and actionlint\'s kind', async () => {
    const { problems } = await actionlintProblems(workflow('    runs-on: ubuntu-latest\n    needs: [missing]\n    steps:\n      - run: echo ${{ matrix.nope }}\n'));
    expect(problems.map(problem => problem.rule)).toEqual(['actionlint', 'actionlint']);
    expect(problems).toContainEqual(expect.objectContaining({ file: WORKFLOW, line: 8, message: '.github/workflows/ci.yaml:8:23: property "nope" is not defined in object type {} [expression]' }));
    expect(problems).toContainEqual(expect.objectContaining({ message: expect.stringContaining('[job-needs]') }));
  });

  it('drops what v1.6.22 gets wrong about today\'s GitHub Actions (attestations scope, vars, ubuntu-24.04) and keeps the rest', async () => {
    const body = '    runs-on: ubuntu-24.04\n    permissions: {attestations: write, id-token: write, bogus: write}\n    steps:\n      - run: echo "${{ vars.REGION }}"\n';
    const { problems } = await actionlintProblems(workflow(body));
    expect(problems.map(problem => problem.message)).toEqual([expect.stringContaining('unknown permission scope "bogus"')]);
    expect(isOutdatedFinding({ file: 'x', line: 1, column: 1, kind: 'runner-label', message: 'label "ubuntu-16.04" is unknown. available labels are …' })).toBe(false);
  });

  it('lints the same workflow many times in one process (a reused instance traps on its second call for it; each lint gets a fresh one)', async () => {
    const model = modelOf(await renderCi());
    for (let i = 0; i < 12; i++) expect((await actionlintProblems(model)).problems).toEqual([]);
  });

  it('runs inside validate, and can be switched off', async () => {
    const files = [{ path: WORKFLOW, content: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n', executable: false }];
    const core = { kustomize: 'skip' as const, policyChecks: [], referenceChecks: [], checkUnits: [] };
    expect((await validateRenderedFiles(files, core)).problems.map(problem => problem.rule)).toEqual(['actionlint']);
    expect((await validateRenderedFiles(files, { ...core, actionlint: false })).problems).toEqual([]);
  });
});

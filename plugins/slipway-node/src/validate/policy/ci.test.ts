import { checkWorkflows } from './ci';
import { WORKFLOW, baselineModel, problemsOf, rulesOf } from './__fixtures__/repoModel';

function withWorkflow(text: string) {
  const model = baselineModel();
  model.files.set('.github/workflows/ci.yaml', text);
  return model;
}

describe('GitHub Actions workflows', () => {
  it('passes the baseline (env-passed PR title, pinned actions, local action)', () => {
    expect(rulesOf(checkWorkflows, baselineModel())).toEqual([]);
  });

  it('flags missing permissions, naming the jobs without them', () => {
    const text = WORKFLOW.replace('permissions:\n  contents: read\n', '').replace(/    permissions:\n      contents: write\n      packages: write\n/, '');
    const problems = problemsOf(checkWorkflows, withWorkflow(text));
    expect(problems.map(p => p.rule)).toEqual(['ci-permissions']);
    expect(problems[0]).toMatchObject({ check: 'ci', file: '.github/workflows/ci.yaml' });
    expect(problems[0].message).toContain('job(s) build');
  });

  it('accepts job-level permissions only, and flags write-all', () => {
    expect(rulesOf(checkWorkflows, withWorkflow(WORKFLOW.replace('permissions:\n  contents: read\n', '')))).toEqual([]);
    expect(rulesOf(checkWorkflows, withWorkflow(WORKFLOW.replace('permissions:\n  contents: read\n', 'permissions: write-all\n')))).toEqual(['ci-permissions']);
  });

  it('flags a workflow without a concurrency group (seed: racing tag pushes)', () => {
    const text = WORKFLOW.replace(/concurrency:\n  group: .*\n  cancel-in-progress: false\n/, '');
    expect(rulesOf(checkWorkflows, withWorkflow(text))).toEqual(['ci-concurrency']);
  });

  it('flags untrusted context spliced into run:', () => {
    const text = WORKFLOW.replace('      - run: npm ci && npm test\n', '      - run: echo "${{ github.event.pull_request.title }}" && git checkout ${{ github.head_ref }}\n');
    const problems = problemsOf(checkWorkflows, withWorkflow(text));
    expect(problems.map(p => p.rule)).toEqual(['ci-script-injection', 'ci-script-injection']);
    expect(problems[0].message).toContain('jobs.build.steps[2].run');
  });

  it('flags untrusted context in actions/github-script', () => {
    const text = `${WORKFLOW}      - uses: actions/github-script@v7\n        with:\n          script: console.log("\${{ github.event.issue.title }}")\n`;
    expect(rulesOf(checkWorkflows, withWorkflow(text))).toEqual(['ci-script-injection']);
  });

  it.each([
    ['docker/login-action@master'],
    ['some-org/deploy-action@main'],
    ['some-org/deploy-action'],
    ['docker://alpine'],
  ])('flags unpinned %s', uses => {
    expect(rulesOf(checkWorkflows, withWorkflow(`${WORKFLOW}      - uses: ${uses}\n`))).toEqual(['ci-action-pinned']);
  });

  it('flags an unpinned reusable workflow', () => {
    const text = `${WORKFLOW}  deploy:\n    permissions: {contents: read}\n    uses: org/workflows/.github/workflows/deploy.yaml@main\n`;
    expect(rulesOf(checkWorkflows, withWorkflow(text))).toEqual(['ci-action-pinned']);
  });

  it('ignores files outside .github/workflows and unparsable workflows', () => {
    const model = baselineModel();
    model.files.set('.github/dependabot.yml', 'permissions: write-all\n');
    model.files.set('.github/workflows/broken.yaml', 'jobs: [\n');
    expect(rulesOf(checkWorkflows, model)).toEqual([]);
  });
});

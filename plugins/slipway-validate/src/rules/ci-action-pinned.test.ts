import { ciActionPinned } from './ci-action-pinned';
import { DEFECTIVE_WORKFLOW, problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';

const ID = 'ci-action-pinned';
const step = (uses: string) => ({ [WORKFLOW]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n` });

describe(ID, () => {
  it.each(Object.keys(REGISTRY_VARIANTS))('passes the generated repo (%s): every action at a full commit SHA', async variant => {
    expect(problemsOf(ciActionPinned, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
  });

  it('reports defect 13: the pre-issue actions pinned by tag, each with its line', async () => {
    const problems = problemsOf(ciActionPinned, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW));
    expect(new Set(problems.map(problem => problem.message.match(/"([^"]+)"/)?.[1]))).toEqual(
      new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'docker/setup-buildx-action@v3', 'docker/login-action@v3', 'docker/build-push-action@v6']),
    );
    expect(problems.every(problem => problem.rule === ID && typeof problem.line === 'number')).toBe(true);
    expect(problems[0].message).toContain('pin the full 40-character commit SHA');
  });

  it.each([
    ['some-org/deploy-action@main', 'is pinned to "main"'],
    ['some-org/deploy-action', 'has no @ref'],
    ['docker://alpine:3.20', 'without a digest'],
  ])('reports %s', (uses, text) => {
    expect(problemsOf(ciActionPinned, step(uses))[0].message).toContain(text);
  });

  it('accepts SHAs, digests and local actions, and checks reusable workflows', () => {
    expect(problemsOf(ciActionPinned, step('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1'))).toEqual([]);
    expect(problemsOf(ciActionPinned, step(`docker://alpine@sha256:${'a'.repeat(64)}`))).toEqual([]);
    expect(problemsOf(ciActionPinned, step('./.github/actions/bump'))).toEqual([]);
    const reusable = { [WORKFLOW]: 'on: push\njobs:\n  d:\n    uses: org/wf/.github/workflows/deploy.yaml@v1\n' };
    expect(problemsOf(ciActionPinned, reusable)[0].message).toContain('jobs.d.uses');
  });

  it('never throws on malformed workflows', () => {
    expect(() => problemsOf(ciActionPinned, { [WORKFLOW]: 'jobs: {a: {uses: 3, steps: [{uses: [1]}, 2]}}\n' })).not.toThrow();
  });
});

import { ciLeastPrivilege } from './ci-least-privilege';
import { DEFECTIVE_WORKFLOW, problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-least-privilege';

const workflow = (body: string) => ({ [WORKFLOW]: `on: push\n${body}` });

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(problemsOf(ciLeastPrivilege, await renderCi(example))).toEqual([]);
    });

    it.each(Object.keys(REGISTRY_VARIANTS))('passes the %s login (packages: write or id-token: write only where it pushes)', async variant => {
      expect(problemsOf(ciLeastPrivilege, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
    });

    it('passes the pre-issue workflow, whose scopes were already per job', async () => {
      expect(problemsOf(ciLeastPrivilege, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW))).toEqual([]);
    });

    it('reports a write scope granted to every job, with its line', async () => {
      const files = editFile(await renderCi(), WORKFLOW, 'permissions:\n  contents: read\n', 'permissions:\n  contents: read\n  packages: write\n');
      const problems = problemsOf(ciLeastPrivilege, files);
      expect(problems).toEqual([
        expect.objectContaining({ rule: ID, check: 'ci', file: WORKFLOW, line: expect.any(Number), message: expect.stringContaining('permissions.packages: is write for every job') }),
      ]);
    });

    it('reports packages: write on a job that pushes no image (the staging deploy)', async () => {
      const files = editFile(await renderCi(), WORKFLOW, '      contents: write    # the pin commit\n    # One deploy', '      contents: write    # the pin commit\n      packages: write\n    # One deploy');
      expect(problemsOf(ciLeastPrivilege, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.deploy.permissions.packages: is write, but the job pushes no image'),
      ]);
    });
  });

  describe('on any repo', () => {
    it('reports write-all at the top and on a job', () => {
      const problems = problemsOf(ciLeastPrivilege, workflow('permissions: write-all\njobs:\n  a:\n    permissions: write-all\n    runs-on: x\n    steps: [{run: echo}]\n'));
      expect(problems.map(problem => problem.message)).toEqual([
        expect.stringContaining('permissions: is write-all'),
        expect.stringContaining('jobs.a.permissions: is write-all'),
      ]);
    });

    it('reports jobs left with the repository default scopes, and accepts {} or read-all at the top', () => {
      expect(problemsOf(ciLeastPrivilege, workflow('jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n'))[0].message).toContain('sets no permissions at the top or on job(s) a');
      expect(problemsOf(ciLeastPrivilege, workflow('permissions: {}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n'))).toEqual([]);
      expect(problemsOf(ciLeastPrivilege, workflow('permissions: read-all\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n'))).toEqual([]);
    });

    it('judges id-token, contents and attestations by the steps', () => {
      const job = (permissions: string, steps: string) => workflow(`permissions: {}\njobs:\n  a:\n    runs-on: x\n    permissions: {${permissions}}\n    steps: [${steps}]\n`);
      expect(problemsOf(ciLeastPrivilege, job('id-token: write', '{run: echo}'))[0].message).toContain('uses no OIDC login');
      expect(problemsOf(ciLeastPrivilege, job('id-token: write', '{uses: "aws-actions/configure-aws-credentials@0123456789012345678901234567890123456789"}'))).toEqual([]);
      expect(problemsOf(ciLeastPrivilege, job('contents: write', '{run: make}'))[0].message).toContain('pushes no commit');
      expect(problemsOf(ciLeastPrivilege, job('contents: write', '{run: git push origin HEAD}'))).toEqual([]);
      expect(problemsOf(ciLeastPrivilege, job('attestations: write, id-token: write', '{uses: "actions/attest-build-provenance@0123456789012345678901234567890123456789"}'))).toEqual([]);
    });

    it('leaves other write scopes and reusable workflow calls to the reader', () => {
      expect(problemsOf(ciLeastPrivilege, workflow('permissions: {}\njobs:\n  a:\n    runs-on: x\n    permissions: {issues: write}\n    steps: [{run: echo}]\n'))).toEqual([]);
      expect(problemsOf(ciLeastPrivilege, workflow('permissions: {}\njobs:\n  a:\n    permissions: {packages: write}\n    uses: org/wf/.github/workflows/x.yaml@0123456789012345678901234567890123456789\n'))).toEqual([]);
    });

    it('never throws on malformed workflows', () => {
      for (const text of ['jobs: 3\n', 'permissions: 7\njobs: {a: 1, b: {permissions: [write]}}\n', 'on: push\njobs: [1, 2]\n', '- a\n- b\n']) {
        expect(() => problemsOf(ciLeastPrivilege, { [WORKFLOW]: text })).not.toThrow();
      }
    });
  });
});

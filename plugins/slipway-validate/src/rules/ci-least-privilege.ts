import type { ValidationProblem } from '../types';
import { asRecord } from '../kube';
import { attestsArtifacts, pushesToRegistry, usesOidc, writesContents } from '../workflows/jobs';
import { workflowProblem, workflowsOf, type Workflow, type WorkflowJob } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * The GITHUB_TOKEN gets the repository's default scopes unless `permissions:` says otherwise,
 * and every step of a job (each third-party action included) can use what its job holds. So
 * the workflow grants read at most, and each write scope sits on the job that needs it:
 * "you should grant the GITHUB_TOKEN the least required access" (GitHub, security hardening).
 * Scopes judged: packages (pushing images), contents (pushing commits, tags, releases),
 * id-token (OIDC for cloud logins and attestations), attestations. Other write scopes are left
 * to the reader (their uses are too varied to recognise from the steps).
 */

const ID = 'ci-least-privilege';

const NEEDS: Record<string, { needed: (job: WorkflowJob) => boolean; what: string }> = {
  packages: { needed: pushesToRegistry, what: 'pushes no image to a registry' },
  contents: { needed: writesContents, what: 'pushes no commit, tag or release' },
  'id-token': { needed: usesOidc, what: 'uses no OIDC login (cloud credentials, attestations, keyless signing)' },
  attestations: { needed: attestsArtifacts, what: 'creates no artifact attestation' },
};

function checkWorkflow(workflow: Workflow): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const problem = (path: Array<string | number>, text: string) => out.push(workflowProblem('ci', ID, workflow, path, text));
  const top = workflow.record.permissions;
  if (top === 'write-all') {
    problem(['permissions'], 'is write-all: every job and every action it runs could push code, packages and releases. Set contents: read (or {}) here and grant write scopes per job');
  } else if (asRecord(top)) {
    for (const [scope, level] of Object.entries(asRecord(top) ?? {})) {
      if (level === 'write') {
        problem(['permissions', scope], `is write for every job: grant ${scope}: write only on the job that needs it, and keep the top level read-only`);
      }
    }
  } else if (top === undefined) {
    const open = workflow.jobs.filter(job => job.record.permissions === undefined).map(job => job.id);
    if (open.length) {
      problem([], `sets no permissions at the top or on job(s) ${open.join(', ')}: their token gets the repository default scopes (write, on older repositories). Add permissions: contents: read at the top`);
    }
  }
  for (const job of workflow.jobs) {
    const permissions = job.record.permissions;
    if (permissions === 'write-all') {
      problem([...job.path, 'permissions'], 'is write-all: grant only the scopes this job needs');
      continue;
    }
    // A reusable workflow's steps are not visible here; its own permissions are its own to check.
    if (job.uses) continue;
    for (const [scope, level] of Object.entries(asRecord(permissions) ?? {})) {
      const need = NEEDS[scope];
      if (level === 'write' && need && !need.needed(job)) {
        problem([...job.path, 'permissions', scope], `is write, but the job ${need.what}: drop it, so a compromised step cannot use it`);
      }
    }
  }
  return out;
}

export const ciLeastPrivilege = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    'Workflow permissions are read-only or empty at the top, and each write scope (packages, contents, id-token, attestations) is granted only on a job whose steps use it.',
  remediation:
    'Set permissions: contents: read at the top; on each job add only what it does: packages: write to push an image, contents: write to push a commit, id-token: write for OIDC logins and attestations.',
  source:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-secrets (least required access); https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token',
  run: model => workflowsOf(model).flatMap(checkWorkflow),
});

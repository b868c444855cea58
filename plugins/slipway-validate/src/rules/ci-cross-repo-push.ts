import type { ValidationProblem } from '../types';
import { asString } from '../kube';
import { embeddedExpressions } from '../workflows/expressions';
import { actionName, workflowProblem, workflowsOf, type Workflow, type WorkflowJob, type WorkflowStep } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * A job that checks out another repository (a system's config repo) and pushes to it:
 * - It needs a credential of its own: "The token's permissions are limited to the repository that
 *   contains your workflow" (GitHub, About the GITHUB_TOKEN), so the default checkout token (or
 *   github.token / secrets.GITHUB_TOKEN) cannot push there. The credential must come from a secret
 *   or a step that mints one (actions/create-github-app-token's `token` output), never a literal
 *   value in the workflow file.
 * - Its pushes to a shared branch race other repositories' workflows: concurrency applies to jobs
 *   "using the same concurrency group in the repository" (GitHub, control the concurrency of
 *   workflows and jobs), so no group serialises two repositories' runs, and git refuses a push that
 *   is not a fast-forward. A push to a branch others push to must fetch, rebase and retry. A
 *   forced push (a pull request branch of the job's own) is not judged.
 */

const ID = 'ci-cross-repo-push';
const GITHUB_TOKEN = /\bsecrets\.GITHUB_TOKEN\b|\bgithub\.token\b/i;
/** `${{ secrets.X }}`, `${{ steps.<id>.outputs.<x> }}`: a credential from a secret or a step that minted it. */
const SECRET_OR_MINTED = /^\$\{\{\s*(secrets\.[A-Za-z_][A-Za-z0-9_]*|steps\.[A-Za-z_][-A-Za-z0-9_]*\.outputs\.[A-Za-z_][-A-Za-z0-9_]*)\s*\}\}$/;
const PUSH = /\bgit\s+(?:-C\s+\S+\s+)?push\b/;
/** A push that updates a shared branch: not forced (a forced push replaces a branch of the job's own, e.g. a pull request's). */
const SHARED_PUSH = /\bgit\s+(?:-C\s+\S+\s+)?push\b(?![^\n]*(?:--force\b|-f\b|\s\+))/;
const REBASE = /\bgit\s+(?:-C\s+\S+\s+)?(?:pull\s+--rebase\b|rebase\b)/;
const LOOP = /\b(?:for|while|until)\b[^\n]*\n[\s\S]*\bdone\b/;

interface OtherCheckout {
  step: WorkflowStep;
  repository: string;
  /** Where it is checked out, relative to the workspace (`path`; default the workspace itself). */
  path: string;
}

function otherCheckouts(job: WorkflowJob): OtherCheckout[] {
  return job.steps
    .filter(step => actionName(step.uses) === 'actions/checkout')
    .map(step => ({ step, repository: asString(step.with.repository) ?? '', path: (asString(step.with.path) ?? '.').replace(/^\.\/|\/+$/g, '') || '.' }))
    .filter(checkout => checkout.repository !== '' && !/^\$\{\{\s*github\.repository\s*\}\}$/.test(checkout.repository));
}

/** Whether a step runs in (or cds into) the checkout's folder. */
function runsIn(step: WorkflowStep, checkout: OtherCheckout): boolean {
  const directory = (asString(step.record['working-directory']) ?? '.').replace(/^\.\/|\/+$/g, '') || '.';
  if (directory === checkout.path) return true;
  const script = step.run ?? '';
  return checkout.path !== '.' && new RegExp(`(?:\\bcd|-C)\\s+["']?(?:\\./)?${checkout.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(script);
}

function checkJob(workflow: Workflow, job: WorkflowJob): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const checkout of otherCheckouts(job)) {
    const pushes = job.steps.filter(step => step.index > checkout.step.index && runsIn(step, checkout) && PUSH.test(step.run ?? ''));
    if (!pushes.length) continue;
    const credential = asString(checkout.step.with.token) ?? asString(checkout.step.with['ssh-key']);
    const field = checkout.step.with.token !== undefined ? 'token' : 'ssh-key';
    if (credential === undefined || GITHUB_TOKEN.test(credential)) {
      out.push(workflowProblem('ci', ID, workflow, [...checkout.step.path, 'with'],
        `checks out ${checkout.repository} with the workflow's GITHUB_TOKEN, whose permissions are limited to this repository: the push to ${checkout.repository} is refused. ` +
          'Pass a token for that repository (actions/create-github-app-token, or a deploy key in ssh-key) from a secret'));
    } else if (!embeddedExpressions(credential).length) {
      out.push(workflowProblem('ci', ID, workflow, [...checkout.step.path, 'with', field],
        `is a literal credential in the workflow file: anyone who can read the repository can push to ${checkout.repository}. Take it from a secret or a step that mints it`));
    } else if (!SECRET_OR_MINTED.test(credential.trim())) {
      out.push(workflowProblem('ci', ID, workflow, [...checkout.step.path, 'with', field],
        `is ${credential}, which is neither a secret nor a step's minted token: the credential for ${checkout.repository} must come from secrets.<name> or a token step's output`));
    }
    for (const step of pushes) {
      const script = step.run ?? '';
      if (SHARED_PUSH.test(script) && (!REBASE.test(script) || !LOOP.test(script))) {
        out.push(workflowProblem('ci', ID, workflow, [...step.path, 'run'],
          `pushes to ${checkout.repository} without fetching, rebasing and retrying: concurrency groups are per repository, so another repository's workflow ` +
            'can push to the same branch at the same time and this push is refused as not a fast-forward. Retry in a loop: git pull --rebase, then git push'));
      }
    }
  }
  return out;
}

export const ciCrossRepoPush = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    "A job that checks out another repository (a system's config repo) and pushes to it authenticates with that repository's credential from a secret or a minted token (the GITHUB_TOKEN is limited to its own repository; never a literal), and retries its push with a fetch and rebase (concurrency groups do not span repositories).",
  remediation:
    'Mint a token for the other repository (actions/create-github-app-token with owner and repositories) or use a deploy key from a secret, pass it to actions/checkout as token (or ssh-key), and push in a loop: git pull --rebase origin <branch> && git push origin HEAD:<branch>, with a pause between attempts.',
  source:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication ("The token\'s permissions are limited to the repository that contains your workflow"); ' +
    'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs ("the same concurrency group in the repository"); ' +
    'https://github.com/actions/create-github-app-token (owner, repositories); https://git-scm.com/docs/git-push (non-fast-forward updates are rejected)',
  run: model => workflowsOf(model).flatMap(workflow => workflow.jobs.flatMap(job => checkJob(workflow, job))),
});

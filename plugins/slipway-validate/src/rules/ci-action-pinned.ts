import type { ValidationProblem } from '../types';
import { workflowProblem, workflowsOf, type Workflow } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * "Pinning an action to a full length commit SHA is currently the only way to use an action as
 * an immutable release. [...] a bad actor could add a backdoor to the action's repository" and
 * move a tag to it (GitHub, security hardening: using third-party actions). A tag or branch ref
 * runs whatever it points to today, with this job's token and secrets. Container actions are
 * pinned by digest for the same reason; local actions (./) are this repository's own code.
 */

const ID = 'ci-action-pinned';
const FULL_SHA = /^[0-9a-f]{40}$/;

/** Why a `uses:` is not pinned to an immutable version, or undefined when it is. */
export function unpinnedReason(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) {
    return uses.includes('@sha256:') ? undefined : 'is a container image without a digest: a re-pushed tag changes what runs; pin docker://image@sha256:<digest>';
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) return 'has no @ref: it runs whatever the default branch holds; pin the full commit SHA of a release';
  const ref = uses.slice(at + 1);
  if (FULL_SHA.test(ref)) return undefined;
  return `is pinned to "${ref}", which can be moved to other code: pin the full 40-character commit SHA that tag names, with the tag as a comment (uses: ${uses.slice(0, at)}@<sha> # ${ref})`;
}

function checkWorkflow(workflow: Workflow): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const job of workflow.jobs) {
    if (job.uses) {
      const reason = unpinnedReason(job.uses);
      if (reason) out.push(workflowProblem('ci', ID, workflow, [...job.path, 'uses'], `"${job.uses}" ${reason}`));
    }
    for (const step of job.steps) {
      const reason = step.uses ? unpinnedReason(step.uses) : undefined;
      if (reason) out.push(workflowProblem('ci', ID, workflow, [...step.path, 'uses'], `"${step.uses}" ${reason}`));
    }
  }
  return out;
}

export const ciActionPinned = defineCheck({
  id: ID,
  check: 'ci',
  summary: 'Every action and reusable workflow is pinned to a full commit SHA (container actions to a digest), so a moved tag or branch cannot change what runs with the job\'s token and secrets.',
  remediation: 'Write uses: owner/repo@<40-character commit SHA> # <tag>; Dependabot and Renovate keep such pins and their comments up to date.',
  source: 'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
  run: model => workflowsOf(model).flatMap(checkWorkflow),
});

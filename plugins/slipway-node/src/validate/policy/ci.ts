import type { ModelCheck, ValidationProblem } from '../types';
import { asRecord, asString, fileProblem, parseYamlDocuments, recordsOf, yamlFiles, type JsonRecord } from '../kube';

/**
 * GitHub Actions hygiene for the generated workflows: least-privilege tokens, one run
 * at a time (seed 000/001: CI runs pushing image tags to the config repo raced each
 * other), no untrusted text spliced into shell scripts, and actions pinned to a tag or
 * commit so a moved branch cannot change what runs with our token.
 */

const WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** Contexts an outsider controls (PR titles, branch names, comments, commit messages). */
const UNTRUSTED_CONTEXT = /\bgithub\.(event\.|head_ref\b)/;
const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;
const FULL_SHA = /^[0-9a-f]{40}$/;
/** A version tag: v4, v4.1.2, 1.2.3, v1.0.0-rc.1. */
const VERSION_TAG = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;

function problem(rule: string, file: string, field: string, text: string): ValidationProblem {
  return fileProblem('ci', rule, file, field, text);
}

function checkPermissions(file: string, workflow: JsonRecord, jobs: Array<[string, JsonRecord]>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  if (workflow.permissions === 'write-all') {
    out.push(problem('ci-permissions', file, 'permissions', 'is write-all: grant only the scopes the workflow needs'));
  }
  for (const [id, job] of jobs) {
    if (job.permissions === 'write-all') {
      out.push(problem('ci-permissions', file, `jobs.${id}.permissions`, 'is write-all: grant only the scopes the job needs'));
    }
  }
  if (workflow.permissions === undefined) {
    const open = jobs.filter(([, job]) => job.permissions === undefined).map(([id]) => id);
    if (open.length > 0) {
      out.push(problem('ci-permissions', file, 'permissions',
        `is not set at the top or on job(s) ${open.join(', ')}: the token would get the repository default scopes`));
    }
  }
  return out;
}

function checkConcurrency(file: string, workflow: JsonRecord, jobs: Array<[string, JsonRecord]>): ValidationProblem[] {
  const hasGroup = (value: unknown) => typeof value === 'string' || asString(asRecord(value)?.group) !== undefined;
  if (hasGroup(workflow.concurrency)) return [];
  const open = jobs.filter(([, job]) => !hasGroup(job.concurrency)).map(([id]) => id);
  if (open.length === 0) return [];
  return [problem('ci-concurrency', file, 'concurrency',
    `has no group (jobs ${open.join(', ')}): two runs could push image tags or overlay commits at once and race`)];
}

function untrustedExpressions(script: string): string[] {
  return [...script.matchAll(EXPRESSION)].map(match => match[1].trim()).filter(expression => UNTRUSTED_CONTEXT.test(expression));
}

/** Why a `uses:` reference is not pinned, or undefined when it is. */
function unpinnedReason(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) {
    const image = uses.slice('docker://'.length);
    if (image.includes('@sha256:')) return undefined;
    const tag = image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
    return !tag || tag === 'latest' ? 'is a container image without a fixed tag' : undefined;
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) return 'has no @ref: it runs whatever the default branch holds';
  const ref = uses.slice(at + 1);
  if (FULL_SHA.test(ref) || VERSION_TAG.test(ref)) return undefined;
  return `is pinned to "${ref}", which looks like a branch: pin a release tag or a full commit SHA`;
}

function checkJob(file: string, id: string, job: JsonRecord): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const reusable = asString(job.uses);
  if (reusable) {
    const reason = unpinnedReason(reusable);
    if (reason) out.push(problem('ci-action-pinned', file, `jobs.${id}.uses`, `"${reusable}" ${reason}`));
  }
  for (const { record: step, index } of recordsOf(job.steps)) {
    const field = `jobs.${id}.steps[${index}]`;
    const uses = asString(step.uses);
    if (uses) {
      const reason = unpinnedReason(uses);
      if (reason) out.push(problem('ci-action-pinned', file, `${field}.uses`, `"${uses}" ${reason}`));
    }
    // actions/github-script evaluates `script` as JavaScript: same injection risk as `run`.
    const scripts: Array<[string, string | undefined]> = [
      ['run', asString(step.run)],
      ['with.script', uses?.startsWith('actions/github-script') ? asString(asRecord(step.with)?.script) : undefined],
    ];
    for (const [key, script] of scripts) {
      if (!script) continue;
      for (const expression of untrustedExpressions(script)) {
        out.push(problem('ci-script-injection', file, `${field}.${key}`,
          `splices \${{ ${expression} }} into a script: untrusted input could run commands; pass it through env: and quote "$VAR"`));
      }
    }
  }
  return out;
}

function checkWorkflow(file: string, workflow: JsonRecord): ValidationProblem[] {
  const jobs: Array<[string, JsonRecord]> = [];
  for (const [id, value] of Object.entries(asRecord(workflow.jobs) ?? {})) {
    const job = asRecord(value);
    if (job) jobs.push([id, job]);
  }
  return [
    ...checkPermissions(file, workflow, jobs),
    ...checkConcurrency(file, workflow, jobs),
    ...jobs.flatMap(([id, job]) => checkJob(file, id, job)),
  ];
}

export const checkWorkflows: ModelCheck = model =>
  yamlFiles(model, path => WORKFLOW_PATH.test(path)).flatMap(({ path, text }) =>
    parseYamlDocuments(text, path).flatMap(document => {
      const workflow = asRecord(document.value);
      return workflow ? checkWorkflow(path, workflow) : [];
    }),
  );

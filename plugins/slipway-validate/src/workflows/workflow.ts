import type { RuleIdOf } from '../rules';
import type { CheckKind, RepoModel, ValidationProblem } from '../types';
import { asRecord, asString, asStringMap, memoOn, recordsOf, type JsonRecord } from '../kube';
import { parseYamlFile, type PathSegment, type YamlDocument } from '@slipway/render';

/**
 * GitHub Actions workflows read from the model as typed jobs and steps, with the line of any
 * field, so every CI check reads a workflow the same way and points at the line to change.
 * GitHub runs the files directly under .github/workflows only (subfolders are ignored).
 */

export const WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;

export interface WorkflowStep {
  index: number;
  /** `jobs.<id>.steps[<index>]` */
  field: string;
  path: PathSegment[];
  record: JsonRecord;
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with: JsonRecord;
  env: Record<string, string>;
  if?: unknown;
}

export interface WorkflowJob {
  id: string;
  /** `jobs.<id>` */
  field: string;
  path: PathSegment[];
  record: JsonRecord;
  needs: string[];
  if?: unknown;
  steps: WorkflowStep[];
  /** The job's env over the workflow's (a step's env is on the step). */
  env: Record<string, string>;
  /** A reusable workflow call (`jobs.<id>.uses`), whose steps the check cannot see. */
  uses?: string;
}

export interface Workflow {
  file: string;
  record: JsonRecord;
  document: YamlDocument;
  env: Record<string, string>;
  jobs: WorkflowJob[];
}

function jobOf(id: string, record: JsonRecord, workflowEnv: Record<string, string>): WorkflowJob {
  const needs = typeof record.needs === 'string' ? [record.needs] : Array.isArray(record.needs) ? record.needs.filter((n): n is string => typeof n === 'string') : [];
  const steps: WorkflowStep[] = recordsOf(record.steps).map(({ record: step, index }) => ({
    index,
    field: `jobs.${id}.steps[${index}]`,
    path: ['jobs', id, 'steps', index],
    record: step,
    id: asString(step.id),
    name: asString(step.name),
    uses: asString(step.uses)?.trim(),
    run: asString(step.run),
    with: asRecord(step.with) ?? {},
    env: asStringMap(step.env),
    if: step.if,
  }));
  return {
    id,
    field: `jobs.${id}`,
    path: ['jobs', id],
    record,
    needs,
    if: record.if,
    steps,
    env: { ...workflowEnv, ...asStringMap(record.env) },
    uses: asString(record.uses)?.trim(),
  };
}

/** Every workflow of the repo that parses to a mapping; broken YAML is the yaml stage's to report. */
export function workflowsOf(model: RepoModel): Workflow[] {
  return workflowsOfFiles(model.files);
}

/** Read once per model's files: every CI unit reads the same workflows. */
const workflowsOfFiles = memoOn('slipway.workflows', (files: RepoModel['files']): Workflow[] => {
  const out: Workflow[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!WORKFLOW_PATH.test(file)) continue;
    for (const document of parseYamlFile(file, text).documents) {
      const record = asRecord(document.value);
      if (!record) continue;
      const env = asStringMap(record.env);
      const jobs = Object.entries(asRecord(record.jobs) ?? {}).flatMap(([id, value]) => {
        const job = asRecord(value);
        return job ? [jobOf(id, job, env)] : [];
      });
      out.push({ file, record, document, env, jobs });
    }
  }
  return out;
});

/** A problem at a workflow field, with its line: `<file> <field>: <text>`. */
export function workflowProblem<K extends CheckKind>(
  check: K,
  rule: RuleIdOf<K>,
  workflow: Pick<Workflow, 'file' | 'document'>,
  path: PathSegment[],
  text: string,
): ValidationProblem {
  const field = path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
  return {
    check,
    rule,
    file: workflow.file,
    line: workflow.document.lineOf(path),
    message: field ? `${workflow.file} ${field}: ${text}` : `${workflow.file}: ${text}`,
  };
}

/** The action a `uses:` names, without its ref: `actions/checkout@v4` → `actions/checkout`. */
export function actionName(uses: string | undefined): string | undefined {
  if (!uses || uses.startsWith('./') || uses.startsWith('docker://')) return undefined;
  return uses.split('@')[0].toLowerCase();
}

/** Every script a step runs: `run:`, and `script:` of actions/github-script (JavaScript with the token). */
export function stepScripts(step: WorkflowStep): Array<{ key: 'run' | 'with.script'; text: string }> {
  const out: Array<{ key: 'run' | 'with.script'; text: string }> = [];
  if (step.run) out.push({ key: 'run', text: step.run });
  const script = asString(step.with.script);
  if (script && actionName(step.uses) === 'actions/github-script') out.push({ key: 'with.script', text: script });
  return out;
}

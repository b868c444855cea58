import type { ValidationProblem } from '../types';
import { asRecord, asString } from '../kube';
import { contextPaths, evaluate, interpolate, isTruthy, UNKNOWN, type Value } from '../workflows/expressions';
import { deployEnvironments, isDeployJob } from '../workflows/jobs';
import { runsOf, type Scenario } from '../workflows/scenarios';
import { workflowProblem, workflowsOf, type Workflow, type WorkflowJob } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * "There can be at most one running and one pending job in a concurrency group at any time.
 * [...] Any existing pending job or workflow in the same concurrency group, if it exists, will
 * be canceled and the new queued job or workflow will take its place." (GitHub, control the
 * concurrency of workflows and jobs; groups are repository-wide and case-insensitive.)
 * So a deploy job needs a group (or two deploys race), one that never cancels a running
 * deploy, one group per environment (a shared group lets a staging push cancel a production
 * deploy that is waiting, e.g. for its reviewers), and one that every deploy of that
 * environment shares (a per-tag group lets two production deploys run at once and land out of order).
 */

const ID = 'ci-deploy-concurrency';

/** Contexts whose value changes from run to run: a group built from them is not one group. */
const RUN_VARYING = /^(github\.(ref|ref_name|sha|head_ref|base_ref|run_id|run_number|run_attempt|actor|triggering_actor|event)\b|needs\.|inputs\.|matrix\.|steps\.)/;

interface Placement {
  workflow: Workflow;
  job: WorkflowJob;
  scenario: Scenario;
  environments: string[];
  group: string;
  varying: string[];
  path: Array<string | number>;
}

interface Concurrency {
  group?: string;
  path: Array<string | number>;
  groupPath: Array<string | number>;
}

/** The job's own concurrency, else the workflow's (GitHub applies the workflow's to the whole run). */
function concurrencyOf(workflow: Workflow, job: WorkflowJob): Concurrency | undefined {
  const levels: Array<[unknown, Array<string | number>]> = [[job.record.concurrency, [...job.path, 'concurrency']], [workflow.record.concurrency, ['concurrency']]];
  for (const [value, path] of levels) {
    if (typeof value === 'string') return { group: value, path, groupPath: path };
    const record = asRecord(value);
    if (record) return { group: asString(record.group), path, groupPath: [...path, 'group'] };
  }
  return undefined;
}

/**
 * What makes a group differ between two runs of one scenario: run-varying contexts it leaves
 * unknown (github.sha, inputs.*), or the ref itself when the scenario is not one fixed branch
 * (two tags give two groups when the group is built from github.ref).
 */
function varyingContexts(group: string, scenario: Scenario): string[] {
  const { value, unknown } = interpolate(group, scenario.known);
  const out = new Set(unknown.flatMap(contextPaths).filter(path => RUN_VARYING.test(path)));
  if (scenario.kind !== 'branch') {
    const other = new Map(scenario.known);
    for (const key of ['github.ref', 'github.ref_name'] as const) {
      const current = scenario.known.get(key);
      if (typeof current === 'string') other.set(key, `${current}-2`);
    }
    if (interpolate(group, other).value !== value) out.add('github.ref');
  }
  return [...out];
}

function checkRepo(workflows: Workflow[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const reported = new Set<string>();
  const report = (workflow: Workflow, path: Array<string | number>, text: string) => {
    // One problem per field: the first scenario that shows it is enough to act on.
    const key = `${workflow.file}\0${path.join('.')}`;
    if (reported.has(key)) return;
    reported.add(key);
    out.push(workflowProblem('ci', ID, workflow, path, text));
  };
  const placements: Placement[] = [];
  for (const workflow of workflows) {
    for (const job of workflow.jobs.filter(isDeployJob)) {
      const runs = runsOf(workflow, job).filter(scenario => scenario.kind !== 'pull_request');
      if (!runs.length) continue;
      const concurrency = concurrencyOf(workflow, job);
      if (!concurrency?.group) {
        report(workflow, job.path,
          'deploys without a concurrency group: two runs can deploy at once and race (commits rejected or landing out of order). ' +
          'Add concurrency: { group: deploy-<environment>, cancel-in-progress: false }');
        continue;
      }
      // Both levels count: the workflow's cancel-in-progress cancels the whole run, deploy jobs included.
      for (const [value, path] of [[job.record.concurrency, [...job.path, 'concurrency']], [workflow.record.concurrency, ['concurrency']]] as const) {
        const cancel = asRecord(value)?.['cancel-in-progress'];
        const cancelling = runs.find(scenario => {
          const result: Value = typeof cancel === 'string' ? evaluate(cancel, scenario.known) : typeof cancel === 'boolean' ? cancel : cancel === undefined ? false : UNKNOWN;
          return isTruthy(result) !== false;
        });
        if (cancelling) {
          report(workflow, [...path, 'cancel-in-progress'],
            `can be true for a run that deploys (${job.id} on ${cancelling.label}): a newer run would cancel the deploy half-way, e.g. after the image is pushed but before its pin is committed. ` +
            'Make it false for every event that deploys');
        }
      }
      for (const scenario of runs) {
        placements.push({
          workflow,
          job,
          scenario,
          environments: deployEnvironments(job, scenario.known),
          group: interpolate(concurrency.group, scenario.known).value.toLowerCase(),
          varying: varyingContexts(concurrency.group, scenario),
          path: concurrency.groupPath,
        });
      }
    }
  }
  // One problem per group field: the environments whose deploys share it, and where each comes from.
  const byGroup = new Map<string, Placement[]>();
  for (const placement of placements.filter(p => p.environments.length)) {
    byGroup.set(placement.group, [...(byGroup.get(placement.group) ?? []), placement]);
  }
  for (const [group, sharing] of byGroup) {
    const environments = [...new Set(sharing.flatMap(p => p.environments))];
    if (environments.length < 2) continue;
    const where = sharing.map(p => `${p.environments.join('/')} from ${p.job.id} on ${p.scenario.label}`);
    for (const placement of sharing) {
      report(placement.workflow, placement.path,
        `"${group}" is the concurrency group of the ${environments.join(' and ')} deploys (${[...new Set(where)].join('; ')}): ` +
        'GitHub keeps one pending job per group and cancels it when the next one queues, so a deploy to one environment can cancel a waiting deploy to another ' +
        `(a production deploy waiting for its reviewers, cancelled by a staging push). Use one group per environment, e.g. ${environments.map(env => `deploy-${env}`).join(' and ')}`);
    }
  }
  for (const placement of placements) {
    if (!placement.environments.length || !placement.varying.length) continue;
    report(placement.workflow, placement.path,
      `"${placement.group}" changes from run to run (${placement.varying.join(', ')}), so two ${placement.environments.join(', ')} deploys (${placement.scenario.label}) can run at once and land out of order. ` +
      `Use one fixed group per environment, e.g. deploy-${placement.environments[0]}`);
  }
  return out;
}

export const ciDeployConcurrency = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    'Every deploy job (a GitHub environment, a pushed commit, an applied manifest) runs in a fixed concurrency group of its own environment, shared by every deploy of that environment and by no other, and is never cancelled in progress.',
  remediation:
    'Give each deploy job concurrency: { group: deploy-<environment>, cancel-in-progress: false }, and keep any workflow-level cancel-in-progress false for the events that deploy.',
  source: 'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs',
  run: model => checkRepo(workflowsOf(model)),
});

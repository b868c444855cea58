import { asArray, asRecord } from '../kube';
import { conditionRunsAfterSkippedNeeds, evaluateCondition, type KnownContext, type Value } from './expressions';
import type { Workflow, WorkflowJob } from './workflow';

/**
 * The runs a workflow's triggers start, one scenario per kind of run (a push to each branch
 * it names, a tag push, a release, a pull request, a manual run), with what GitHub puts in the
 * `github` context for it. Checks ask which jobs run in which scenario.
 *
 * Trigger filters follow docs.github.com "Workflow syntax" (on.push.<branches|tags>): with only
 * branches (or only tags) given, the other kind of ref does not trigger; with neither, both do.
 */

export type ScenarioKind = 'branch' | 'tag' | 'pull_request' | 'manual' | 'other';

export interface Scenario {
  kind: ScenarioKind;
  /** For the reader: `push to main`, `push of tag v1.0.0`. */
  label: string;
  known: KnownContext;
}

/** A concrete name a filter pattern matches, for evaluating conditions: `v*` → `v1.0.0`. */
function sampleName(pattern: string, fallback: string): string {
  if (pattern.startsWith('!')) return fallback;
  const sample = pattern.replace(/\*\*/g, '1.0.0').replace(/\*/g, '1.0.0').replace(/\?/g, '1').replace(/\[[^\]]*\]/g, '1').replace(/\+/g, '');
  return sample || fallback;
}

function patterns(value: unknown): string[] {
  return typeof value === 'string' ? [value] : asArray(value).filter((item): item is string => typeof item === 'string');
}

function pushContext(ref: string, refType: 'branch' | 'tag', name: string): KnownContext {
  return new Map<string, Value>([
    ['github.event_name', 'push'],
    ['github.ref', ref],
    ['github.ref_type', refType],
    ['github.ref_name', name],
    ['github.head_ref', ''],
    ['github.base_ref', ''],
  ]);
}

/** Triggers as a map: `on: push`, `on: [push, pull_request]` and `on: {push: {...}}` alike. */
export function triggersOf(workflow: Pick<Workflow, 'record'>): Record<string, unknown> {
  const on = workflow.record.on ?? workflow.record.true; // YAML 1.1 readers turn a bare `on` into true
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.filter((e): e is string => typeof e === 'string').map(e => [e, null]));
  return asRecord(on) ?? {};
}

export function scenariosOf(workflow: Pick<Workflow, 'record'>): Scenario[] {
  const out: Scenario[] = [];
  for (const [event, filter] of Object.entries(triggersOf(workflow))) {
    const config = asRecord(filter) ?? {};
    if (event === 'push') {
      const branchFilters = [...patterns(config.branches), ...patterns(config['branches-ignore'])];
      const tagFilters = [...patterns(config.tags), ...patterns(config['tags-ignore'])];
      const branches = branchFilters.length > 0 || tagFilters.length === 0;
      const tags = tagFilters.length > 0 || branchFilters.length === 0;
      if (branches) {
        const names = patterns(config.branches).filter(p => !p.startsWith('!'));
        for (const name of names.length ? names.map(p => sampleName(p, 'main')) : ['main']) {
          out.push({ kind: 'branch', label: `push to ${name}`, known: pushContext(`refs/heads/${name}`, 'branch', name) });
        }
      }
      if (tags) {
        const names = patterns(config.tags).filter(p => !p.startsWith('!'));
        for (const name of names.length ? names.map(p => sampleName(p, 'v1.0.0')) : ['v1.0.0']) {
          out.push({ kind: 'tag', label: `push of tag ${name}`, known: pushContext(`refs/tags/${name}`, 'tag', name) });
        }
      }
    } else if (event === 'release') {
      const known = new Map<string, Value>([['github.event_name', 'release'], ['github.ref_type', 'tag']]);
      out.push({ kind: 'tag', label: 'release', known });
    } else if (event === 'pull_request' || event === 'pull_request_target') {
      const known = new Map<string, Value>([['github.event_name', event], ['github.ref_type', 'branch']]);
      out.push({ kind: 'pull_request', label: event, known });
    } else if (event === 'workflow_dispatch') {
      out.push({ kind: 'manual', label: 'workflow_dispatch', known: new Map<string, Value>([['github.event_name', event]]) });
    } else {
      out.push({ kind: 'other', label: event, known: new Map<string, Value>([['github.event_name', event]]) });
    }
  }
  return out;
}

/**
 * Whether a job can run in a scenario: its `if:` is not false, and every job it needs can run
 * too (a skipped need skips it, unless its condition uses always(), failure() or cancelled()).
 */
export function jobCanRun(workflow: Workflow, job: WorkflowJob, scenario: Scenario, visiting: Set<string> = new Set()): boolean {
  if (evaluateCondition(job.if, scenario.known) === false) return false;
  // A needs cycle never runs at all; actionlint reports it, so it is not judged here.
  if (conditionRunsAfterSkippedNeeds(job.if) || visiting.has(job.id)) return true;
  visiting.add(job.id);
  try {
    return job.needs.every(need => {
      const needed = workflow.jobs.find(candidate => candidate.id === need);
      return !needed || jobCanRun(workflow, needed, scenario, visiting);
    });
  } finally {
    visiting.delete(job.id);
  }
}

const RUNS = Symbol('slipway.runs');

/** The scenarios in which the job can run (computed once per job: several units ask). */
export function runsOf(workflow: Workflow, job: WorkflowJob): Scenario[] {
  // On the job itself, not in a WeakMap (see kube/memo.ts); a job belongs to one workflow.
  const holder = job as WorkflowJob & { [RUNS]?: Scenario[] };
  const held = holder[RUNS];
  if (held) return held;
  const runs = scenariosOf(workflow).filter(scenario => jobCanRun(workflow, job, scenario));
  Object.defineProperty(holder, RUNS, { value: runs, enumerable: false, writable: true, configurable: true });
  return runs;
}

import type { ValidationProblem } from '../types';
import { objectProblem, objectSets, objectsOfKind } from '../kube';
import { canaryTimeline, formatSeconds, type ScenarioOutcome } from './canary-timeline';
import { defineCheck } from './types';

/**
 * A bad canary is stopped before it is fully promoted. From the Rollout's steps and pauses,
 * the background analysis' startingStep, inline analysis steps and each metric's initialDelay,
 * interval, count, failureLimit, inconclusiveLimit and consecutiveErrorLimit (canary-timeline.ts
 * derives the timeline as the controller runs it), three canaries must be stopped before the
 * last step completes: one whose every measurement with data fails (failureLimit+1 failures),
 * one that yields no data (inconclusiveLimit+1 inconclusive measurements pause it), and one
 * whose every measurement errors (consecutiveErrorLimit+1 errors, 10 s apart). The issue this
 * guards: 25% → 1m → 50% → 1m with interval 1m, failureLimit 1 and a first measurement before
 * any data promoted a canary answering only 5xx, the second failure landing as the last step ended.
 */

const ID = 'canary-abort-before-promotion';

const WHAT: Record<ScenarioOutcome['scenario'], string> = {
  failing: 'a canary failing every request (every measurement with data fails)',
  'no-data': 'a canary that yields no data (no traffic, or not scraped)',
  erroring: 'a canary whose analysis cannot run (every measurement errors: Prometheus unreachable or refusing the query)',
};

function describeOutcome(outcome: ScenarioOutcome): string {
  const steps = outcome.steps.map(step => step.text).join(' → ') || 'no steps';
  const why: Record<ScenarioOutcome['scenario'], string> = {
    failing: `measurements before ${formatSeconds(outcome.dataFrom)} see no data yet (two ${formatSeconds(outcome.scrapeSeconds)} scrapes after the first setWeight), and a metric aborts only after failureLimit+1 failures`,
    'no-data': 'a metric pauses the rollout only after inconclusiveLimit+1 inconclusive measurements',
    erroring: 'a metric errors out only after consecutiveErrorLimit+1 errors, retried every 10s',
  };
  return `${WHAT[outcome.scenario]} reaches 100% at ${formatSeconds(outcome.promotedAt)} (${steps}) before the analysis stops it: ${outcome.measurements.join('; ')}; ${why[outcome.scenario]}`;
}

export const canaryAbortBeforePromotion = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'A canary whose every measurement fails, or that yields no data, is aborted or paused by its analysis before the last step completes: otherwise the failure limit is reached only after full promotion.',
  remediation: 'Lengthen the pauses (or add one), start the background analysis at an earlier step, shorten interval/initialDelay, or lower failureLimit/inconclusiveLimit, so failureLimit+1 measurements with data fall well before the last step ends.',
  source: 'argoproj/argo-rollouts docs/features/analysis.md (Background Analysis, Delay Analysis Runs, Failure Conditions and Failure Limit, Inconclusive Runs), docs/features/canary/index.md; analysis/analysis.go, utils/replicaset/canary.go',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const rollout of objectsOfKind(set, 'Rollout')) {
        const timeline = canaryTimeline(set, rollout);
        // No canary, no analysis (canary-analysis-required), or timing that cannot be read.
        if (!timeline) continue;
        for (const outcome of timeline.outcomes) {
          if (outcome.stop || !Number.isFinite(outcome.promotedAt) || outcome.measurements.length === 0) continue;
          // A measurement without data judged Successful is analysis-no-data-success's to report.
          if (outcome.scenario === 'no-data' && outcome.noDataSucceeds) continue;
          out.push(objectProblem('policy', ID, rollout, 'spec.strategy.canary.steps', describeOutcome(outcome)));
        }
      }
    }
    return out;
  },
});

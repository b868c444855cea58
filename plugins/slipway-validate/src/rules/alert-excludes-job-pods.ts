import { parsePromQL } from '../promql';
import type { ValidationProblem } from '../types';
import { objectProblem, objectSets, objectsOfKind } from '../kube';
import { alertRules } from './alert-rules';
import { atSource } from './source-location';
import { defineCheck } from './types';

/**
 * Readiness alerts leave finished Job pods out. A completed Job's pod stays in the cluster with
 * Ready=false until the Job's ttlSecondsAfterFinished removes it, so kube-state-metrics reports
 * kube_pod_status_ready{condition="false"} = 1 for it: an alert over pod readiness fires after
 * every migration (promtool shows it) unless it drops pods whose kube_pod_owner has
 * owner_kind="Job". Checked where the deployed set runs Jobs or CronJobs.
 */

const ID = 'alert-excludes-job-pods';
const READINESS = new Set(['kube_pod_status_ready', 'kube_pod_container_status_ready', 'kube_pod_status_phase']);

export const alertExcludesJobPods = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Alerts on pod readiness leave out pods a Job owns (kube_pod_owner{owner_kind="Job"}): a finished Job\'s pod stays unready, so every migration would page.',
  remediation: 'Add `unless on (namespace, pod) kube_pod_owner{owner_kind="Job"}` inside the aggregation (or join with owner_kind="ReplicaSet").',
  source: 'kubernetes/kube-state-metrics docs/metrics/workload/pod-metrics.md (kube_pod_status_ready, kube_pod_owner); https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      const jobs = objectsOfKind(set, 'Job', 'CronJob');
      if (jobs.length === 0) continue;
      for (const rule of alertRules(set)) {
        const { selectors, errors } = parsePromQL(rule.expr);
        if (errors.length > 0) continue;
        const readiness = selectors.find(selector => selector.metric && READINESS.has(selector.metric));
        if (!readiness) continue;
        const ownerChecked = selectors.some(
          selector => selector.metric === 'kube_pod_owner' && selector.matchers.some(matcher => matcher.label === 'owner_kind'),
        );
        if (ownerChecked) continue;
        out.push(atSource(model, rule.loaded, rule.segments, objectProblem('policy', ID, rule.loaded, `${rule.path}.expr`,
          `alert ${rule.alert} reads ${readiness.metric} without leaving out pods a Job owns: the finished pod of ${jobs.map(job => `${job.object.kind}/${job.object.metadata.name}`).join(', ')} stays Ready=false, so the alert fires after every run; add unless on (namespace, pod) kube_pod_owner{owner_kind="Job"}`)));
      }
    }
    return out;
  },
});

import type { ValidationProblem } from '../types';
import { objectProblem, objectSets } from '../kube';
import { alertRules } from './alert-rules';
import { atSource } from './source-location';
import { defineCheck } from './types';

/** The person paged learns what broke and what to do: every alert has a summary, a description and a runbook_url. */

const ID = 'alert-annotations';
const REQUIRED = ['summary', 'description', 'runbook_url'] as const;

export const alertAnnotations = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Every alert has summary, description and runbook_url annotations: the person paged needs what broke, where, and what to do.',
  remediation: 'Add annotations.summary (one line), annotations.description (with {{ $labels.namespace }} and {{ $value }}) and annotations.runbook_url (a page with the steps).',
  source: 'https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#templating; https://github.com/prometheus-operator/kube-prometheus (runbook_url on every alert)',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const rule of alertRules(set)) {
        const missing = REQUIRED.filter(key => typeof rule.annotations[key] !== 'string' || (rule.annotations[key] as string).trim() === '');
        if (missing.length === 0) continue;
        out.push(atSource(model, rule.loaded, rule.segments, objectProblem('policy', ID, rule.loaded, `${rule.path}.annotations`,
          `alert ${rule.alert} has no ${missing.join(', ')}: whoever it pages gets no explanation or next step`)));
      }
    }
    return out;
  },
});

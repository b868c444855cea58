import { defineRules } from './types';

/** Rules about the validator itself. */
export const pipelineRules = defineRules([
  {
    id: 'check-crashed',
    check: 'policy',
    summary: 'Every check runs to the end and reports only its own rule: a check that throws (reported under its own stage) would otherwise read as "no problems".',
    remediation: 'Report it as a Slipway bug with the repo that triggers it; the other checks\' results still stand.',
  },
]);

import type { ValidationProblem } from '../types';
import { asRecord, asString, recordsOf } from '../kube';
import { contextPaths, embeddedExpressions } from '../workflows/expressions';
import { actionName } from '../workflows/workflow';
import { parseYamlFile } from '@slipway/render';
import { defineCheck } from './types';

/**
 * Untrusted text spliced into a script runs as code ("script injection", GitHub security
 * hardening). In workflows, actionlint reports it (rule `actionlint`, its `expression` kind:
 * "… is potentially untrusted. avoid using it directly in inline scripts", for `run:` and
 * actions/github-script's `script:`); this unit does not repeat that. actionlint does not read
 * composite actions (action.yml with runs.using: composite), whose `run:` steps are spliced the
 * same way, and where `inputs.*` carry whatever a calling workflow passes in. This unit checks those.
 * The untrusted contexts are actionlint's (rhysd/actionlint expr_insecure.go, BuiltinUntrustedInputs),
 * plus the fields of a workflow_run event that a fork's pull request sets.
 */

const ID = 'ci-untrusted-expression';
const ACTION_FILE = /(^|\/)action\.ya?ml$/;

const UNTRUSTED: RegExp[] = [
  /^github\.event\.(issue|discussion)\.(title|body)$/,
  /^github\.event\.pull_request\.(title|body|head\.ref|head\.label|head\.repo\.default_branch)$/,
  /^github\.event\.(comment|review|review_comment)\.body$/,
  /^github\.event\.pages\.[^.]+\.page_name$/,
  /^github\.event\.commits\.[^.]+\.(message|author\.email|author\.name)$/,
  /^github\.event\.head_commit\.(message|author\.email|author\.name)$/,
  /^github\.head_ref$/,
  /^github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.email|author\.name))$/,
  // A composite action's inputs are whatever its caller passes, untrusted text included.
  /^inputs\./,
];

export function untrustedContexts(expression: string): string[] {
  return contextPaths(expression).filter(context => UNTRUSTED.some(pattern => pattern.test(context)));
}

function checkAction(file: string, text: string): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const document of parseYamlFile(file, text).documents) {
    const runs = asRecord(asRecord(document.value)?.runs);
    if (asString(runs?.using) !== 'composite') continue;
    for (const { record: step, index } of recordsOf(runs?.steps)) {
      const scripts: Array<[string, string | undefined]> = [
        ['run', asString(step.run)],
        ['with.script', actionName(asString(step.uses)) === 'actions/github-script' ? asString(asRecord(step.with)?.script) : undefined],
      ];
      for (const [key, script] of scripts) {
        for (const expression of script ? embeddedExpressions(script) : []) {
          for (const context of untrustedContexts(expression)) {
            out.push({
              check: 'ci',
              rule: ID,
              file,
              line: document.lineOf(['runs', 'steps', index, ...key.split('.')]),
              message: `${file} runs.steps[${index}].${key}: splices \${{ ${context} }} into a script: text a caller or an outsider controls would run as code. ` +
                `Pass it through env: (e.g. VALUE: \${{ ${context} }}) and use "$VALUE"`,
            });
          }
        }
      }
    }
  }
  return out;
}

export const ciUntrustedExpression = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    'No composite action splices an untrusted context (inputs.*, PR titles, branch names, comments, commit messages) into a run: script; in workflows actionlint reports the same (rule actionlint).',
  remediation: 'Pass the value through env: (VALUE: ${{ inputs.value }}) and quote "$VALUE" in the script.',
  source: 'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections; rhysd/actionlint expr_insecure.go',
  run: model => [...model.files].filter(([file]) => ACTION_FILE.test(file) && !file.startsWith('node_modules/')).flatMap(([file, text]) => checkAction(file, text)),
});

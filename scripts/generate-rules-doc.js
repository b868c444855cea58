#!/usr/bin/env node
'use strict';
/**
 * Writes plugins/slipway-validate/RULES.md, the list of every rule `slipway validate` reports,
 * from the rule registry (plugins/slipway-validate/src/rules): one table per check stage.
 *
 *   npx tsc -b && node scripts/generate-rules-doc.js [--check]
 *
 * Reads the built registry (@slipway/validate's dist), so build first. --check writes nothing
 * and exits 1 when RULES.md is stale (test/rules-doc.test.ts does the same from the sources).
 */
const fs = require('fs');
const path = require('path');

const RULES_DOC = path.join(__dirname, '..', 'plugins', 'slipway-validate', 'RULES.md');
const COMMAND = 'npx tsc -b && node scripts/generate-rules-doc.js';

/** Check stages in pipeline order, with what each one reads. */
const STAGES = [
  ['yaml', 'YAML syntax of every file of the repo.'],
  ['schema', 'Each Kubernetes object against the schema of its apiVersion and kind (raw manifests and built overlays).'],
  ['kustomize', 'The overlay builds: offline, from the repo alone.'],
  ['policy', 'How the built objects behave on a cluster: security, resources, networking, images, canary analysis.'],
  ['reference', 'Every name or selector one object uses to find another resolves within the same overlay.'],
  ['ci', 'The GitHub Actions workflows under .github/workflows.'],
  ['catalog', 'catalog-info.yaml and what Backstage finds through it.'],
];

/** One table cell: no line breaks, no unescaped pipes. */
function cell(text) {
  return String(text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** The whole RULES.md for a rule list (RuleDefinition[]). */
function renderRulesDoc(rules) {
  const lines = [
    '# Validator rules',
    '',
    `<!-- Generated from plugins/slipway-validate/src/rules by scripts/generate-rules-doc.js; do not edit. Regenerate: ${COMMAND} -->`,
    '',
    `Every rule \`slipway validate\` (and the \`slipway:validate\` action) reports, ${rules.length} in all. ` +
      'Each problem names its rule as `[id]`, and the report ends with the remediation of every rule it names.',
    '',
  ];
  const known = new Set(STAGES.map(([stage]) => stage));
  const strays = rules.filter(rule => !known.has(rule.check)).map(rule => rule.id);
  if (strays.length) throw new Error(`rules with an unknown check stage: ${strays.join(', ')}`);
  for (const [stage, what] of STAGES) {
    const staged = rules.filter(rule => rule.check === stage);
    if (!staged.length) continue;
    lines.push(`## ${stage}`, '', what, '', '| id | summary | remediation | source |', '|---|---|---|---|');
    for (const rule of staged) {
      lines.push(`| \`${rule.id}\` | ${cell(rule.summary)} | ${cell(rule.remediation)} | ${cell(rule.source)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function main(argv) {
  const { RULES } = require('@slipway/validate');
  const expected = renderRulesDoc(RULES);
  const current = fs.existsSync(RULES_DOC) ? fs.readFileSync(RULES_DOC, 'utf8') : '';
  if (argv.includes('--check')) {
    if (current !== expected) {
      console.error(`${path.relative(process.cwd(), RULES_DOC)} is stale: run ${COMMAND}`);
      return 1;
    }
    return 0;
  }
  if (current !== expected) fs.writeFileSync(RULES_DOC, expected);
  console.log(`${path.relative(process.cwd(), RULES_DOC)}: ${RULES.length} rules${current === expected ? ' (unchanged)' : ''}`);
  return 0;
}

module.exports = { renderRulesDoc, RULES_DOC, COMMAND };

if (require.main === module) process.exitCode = main(process.argv.slice(2));

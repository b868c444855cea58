/**
 * plugins/slipway-validate/RULES.md is generated from the rule registry: it cannot drift from the
 * rules the validator reports. Regenerate it with the command in the failure message.
 */
import { promises as fs } from 'fs';
import { RULES } from '@slipway/validate';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../scripts/generate-rules-doc.js') as {
  renderRulesDoc(rules: typeof RULES): string;
  RULES_DOC: string;
  COMMAND: string;
};

describe('plugins/slipway-validate/RULES.md', () => {
  it('is the list the registry generates (stale? run the command in the message)', async () => {
    const current = await fs.readFile(generator.RULES_DOC, 'utf8').catch(() => '');
    const expected = generator.renderRulesDoc(RULES);
    if (current !== expected) {
      throw new Error(`plugins/slipway-validate/RULES.md is stale: run ${generator.COMMAND}`);
    }
  });

  it('has one row per registered rule, under its check stage', () => {
    const doc = generator.renderRulesDoc(RULES);
    for (const rule of RULES) {
      const row = doc.split('\n').find(line => line.startsWith(`| \`${rule.id}\` |`));
      expect(row).toBeDefined();
      const stage = doc.slice(0, doc.indexOf(row as string)).split('\n## ').pop()?.split('\n')[0];
      expect(`${rule.id} in ${stage}`).toBe(`${rule.id} in ${rule.check}`);
    }
  });

  it('keeps a pipe in a summary inside its cell', () => {
    const doc = generator.renderRulesDoc([{ id: 'demo', check: 'policy', summary: 'a | b', remediation: 'line\nbreak' }] as unknown as typeof RULES);
    expect(doc).toContain('| `demo` | a \\| b | line break |  |');
  });
});

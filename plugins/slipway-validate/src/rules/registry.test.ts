/**
 * The rule registry itself: ids are unique and readable, every rule says what to do, and every
 * check unit follows its contract (a test file beside it that names its id; it reports no other
 * rule). Typos in ids are `tsc`'s to catch (RuleId); what a type cannot see is checked here.
 */
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import { CHECK_UNITS, RULES } from './index';

const units: readonly { id: string; check: string }[] = CHECK_UNITS;
const RULES_DIR = __dirname;

describe('the rule registry', () => {
  it('has unique kebab-case ids', () => {
    const ids = RULES.map(rule => rule.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(ids.filter(id => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toEqual([]);
  });

  it('gives every rule a one-line summary and a remediation', () => {
    const incomplete = RULES.filter(
      rule => !rule.summary.trim() || !rule.remediation.trim() || /\n/.test(rule.summary) || /\n/.test(rule.remediation),
    );
    expect(incomplete.map(rule => rule.id)).toEqual([]);
  });

  it('names a source as a URL or an owner/repo path', () => {
    const vague = RULES.filter(rule => rule.source !== undefined && !/^(https:\/\/|[\w.-]+\/[\w.-]+ |[\w@/*.-]+ )/.test(rule.source));
    expect(vague.map(rule => `${rule.id}: ${rule.source}`)).toEqual([]);
  });
});

describe.each(units.map(unit => [unit.id, unit] as const))('check unit %s', id => {
  const source = path.join(RULES_DIR, `${id}.ts`);
  const test = path.join(RULES_DIR, `${id}.test.ts`);

  it('lives in validate/rules/<id>.ts with a test beside it that names its id', () => {
    expect(existsSync(source)).toBe(true);
    expect(existsSync(test)).toBe(true);
    expect(readFileSync(test, 'utf8')).toContain(`'${id}'`);
  });

  it('builds problems with its own id only', () => {
    const text = readFileSync(source, 'utf8');
    const built = [
      ...text.matchAll(/\b(?:objectProblem|fileProblem)\(\s*'[a-z]+'\s*,\s*'([a-z0-9-]+)'/g),
      ...text.matchAll(/\brule:\s*'([a-z0-9-]+)'/g),
    ].map(match => match[1]);
    expect(built.filter(rule => rule !== id)).toEqual([]);
  });
});

import { findJsonRuleViolation } from './jsonValueRules';

describe('findJsonRuleViolation', () => {
  it('accepts ordinary values, tabs and newlines included', () => {
    expect(findJsonRuleViolation({ values: { name: 'orders', description: 'line one\n\tline two\r\n', port: 8080, tags: ['a', null, true] } })).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere, naming its path', key => {
    const body = JSON.parse(`{"values":{"list":[{"ok":1},{"${key}":{"polluted":true}}]}}`);
    expect(findJsonRuleViolation(body)).toEqual({ path: `values.list[1].${key}`, rule: `the key "${key}" is not allowed anywhere in the body` });
  });

  it('refuses a NUL byte in a string, naming the field and the character', () => {
    expect(findJsonRuleViolation({ values: { name: 'ord\u0000ers' } })).toEqual({
      path: 'values.name',
      rule: 'a string must not contain control characters (found U+0000 at character 3; only tab, line feed and carriage return are allowed)',
    });
  });

  it.each(['\u0001', '\u001b', '\u007f', '\u0085'])('refuses control character %j', char => {
    expect(findJsonRuleViolation({ secrets: { token: `a${char}` } })?.path).toBe('secrets.token');
  });

  it('refuses a control character in a key', () => {
    expect(findJsonRuleViolation({ values: { 'a\u0000': 1 } })).toEqual({ path: 'values["a\\u0000"]', rule: expect.stringMatching(/^a key must not contain control characters/) });
  });

  it('walks a wide body without recursion', () => {
    const wide = { values: { list: Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'x' })) } };
    wide.values.list[199_999].s = 'x\u0000';
    expect(findJsonRuleViolation(wide)?.path).toBe('values.list[199999].s');
  });
});

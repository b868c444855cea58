import { escapeControlCharacters } from './terminal-text';

describe('finding: terminal escapes from a bad values file reach stderr', () => {
  it('escapes C0 (but newline and tab), DEL and C1 as visible \\u escapes', () => {
    expect(escapeControlCharacters('a\u001b[31mred\u0007\r\u0000\u007f\u0085\u009b2J')).toBe('a\\u001b[31mred\\u0007\\u000d\\u0000\\u007f\\u0085\\u009b2J');
    expect(escapeControlCharacters('line 1\n\tline 2 — ünïcode ✓')).toBe('line 1\n\tline 2 — ünïcode ✓');
  });

  it('is idempotent, so text escaped twice reads the same', () => {
    const once = escapeControlCharacters('\u001b]0;title\u0007');
    expect(escapeControlCharacters(once)).toBe(once);
  });

  it('keeps JSON valid and meaning the same', () => {
    const report = { message: 'key \u001b[2J\u0007 and \u007f\u009b' };
    expect(JSON.parse(escapeControlCharacters(JSON.stringify(report)))).toEqual(report);
  });
});

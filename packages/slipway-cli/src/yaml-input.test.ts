import { CliError, EXIT } from './errors';
import { parseYamlInput } from './yaml-input';

function parseError(text: string): CliError {
  try {
    parseYamlInput(text, 'values file v.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.BAD_INPUT);
    return error as CliError;
  }
  throw new Error('expected the input to be rejected');
}

describe('finding: values files have no size cap and a quadratic duplicate-key check', () => {
  it('still reports duplicate keys, naming each key and its line, at any depth', () => {
    const error = parseError('name: a\nowner: b\nenvironments:\n  staging:\n    host: x\n    host: y\nname: c\n');
    expect(error.message).toBe(
      [
        'values file v.yaml is not valid YAML:',
        '  line 6: duplicate key "host" (first at line 5); a key may appear only once in a mapping',
        '  line 7: duplicate key "name" (first at line 1); a key may appear only once in a mapping',
      ].join('\n'),
    );
  });

  it('tells a string key from a number key, as YAML does', () => {
    expect(parseYamlInput('"1": a\n1: b\n', 'v')).toEqual({ 1: 'b' });
  });

  it('reads a values file with many keys (just under the 1 MiB cap) and finds the duplicate at its end', () => {
    const lines = Array.from({ length: 55_000 }, (_, i) => `  k${i}: v${i}`);
    const text = `name: orders\nlabels:\n${lines.join('\n')}\n  k0: again\n`;
    expect(text.length).toBeLessThan(1024 * 1024);
    expect(parseError(text).message).toMatch(/line 55003: duplicate key "k0" \(first at line 3\)/);
    const values = parseYamlInput(`name: orders\nlabels:\n${lines.join('\n')}\n`, 'v') as { labels: Record<string, string> };
    expect(Object.keys(values.labels)).toHaveLength(55_000);
  });
});

describe('finding: alias bombs, unresolved aliases and a dangling-symlink --out exit 3 with a stack trace', () => {
  it('refuses an alias bomb (billion laughs) with a message', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const error = parseError(bomb);
    expect(error.message).toMatch(/^values file v\.yaml is not valid YAML:\n {2}Excessive alias count .*\(its aliases expand too far: an input file needs no aliases\)$/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('refuses an alias without an anchor with a message', () => {
    expect(parseError('name: *x\n').message).toBe('values file v.yaml is not valid YAML:\n  Unresolved alias (the anchor must be set before the alias): x');
  });

  it('lists at most ten syntax errors', () => {
    const lines = parseError('['.repeat(5000)).message.split('\n');
    expect(lines.length).toBeLessThan(80);
    expect(lines[lines.length - 1]).toMatch(/^ {2}and \d+ more$/);
  });
});

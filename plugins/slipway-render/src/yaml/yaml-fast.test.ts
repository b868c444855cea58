import { parseAllDocuments } from 'yaml';
import { resolveServiceSpec } from '@slipway/common';
import { renderService } from '../renderer';
import { parseYamlFile } from './yaml-documents';
import { lineAt, lineStarts, parseYamlFast } from './yaml-fast';

/** The `yaml` library's reading: the reference the fast path must equal. */
function reference(content: string): unknown[] {
  return parseAllDocuments(content, { uniqueKeys: false }).map(document => document.toJS({ maxAliasCount: 100 }));
}

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

describe('the fast YAML read (js-yaml 5) equals the yaml library where it answers', () => {
  it('on every YAML file of both generated variants: values and document lines', async () => {
    for (const values of [minimal, { ...minimal, database: 'postgres' }]) {
      const files = (await renderService(resolveServiceSpec(values))).filter(file => /\.ya?ml$/.test(file.path));
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) {
        const fast = parseYamlFast(file.content);
        expect({ file: file.path, answered: fast !== undefined }).toEqual({ file: file.path, answered: true });
        expect({ file: file.path, values: fast!.map(document => document.value) }).toEqual({ file: file.path, values: reference(file.content) });
        const starts = lineStarts(file.content);
        const slowLines = parseAllDocuments(file.content).map(document => {
          const offset = document.contents?.range?.[0];
          return offset === undefined ? undefined : lineAt(starts, offset);
        });
        expect({ file: file.path, lines: fast!.map(document => document.rootOffset === undefined ? undefined : lineAt(starts, document.rootOffset)) })
          .toEqual({ file: file.path, lines: slowLines });
      }
    }
  });

  it.each([
    ['octal, YAML 1.2 style', 'a: 0777\nb: 0o17\nc: 0x1F\nd: 08\n'],
    ['YAML 1.1 forms stay strings', 'a: yes\nb: on\nc: 1:30\nd: 0b101\ne: 1_000\nf: 2024-01-01\n'],
    ['floats and specials', 'a: +.5\nb: 1e3\nc: .inf\nd: -.Inf\ne: .NaN\nf: 1.5E+3\n'],
    ['nulls and booleans', 'a:\nb: ~\nc: Null\nd: TRUE\ne: false\n'],
    ['empty and comment-only streams, empty documents', '# only a comment\n---\n---\na: 1\n...\n'],
    ['quoted scalars and explicit core tags', 'a: "1"\nb: \'true\'\nc: !!str 1\nd: !!int "12"\n'],
    ['block scalars, CRLF, BOM, tabs after values', '\ufeffa: >\r\n  folded\r\n  text\r\nb: |\n  literal\nc:\t1\n'],
    ['a merge key without an alias is a plain key in YAML 1.2', 'c:\n  <<: {b: 1}\n  d: 2\n'],
    ['an anchor no alias uses', 'a: &x 1\nb: 2\n'],
  ])('%s', (_name, content) => {
    const fast = parseYamlFast(content);
    expect(fast).toBeDefined();
    expect(fast!.map(document => document.value)).toEqual(reference(content));
  });

  it.each([
    ['an alias (never expanded here: alias bombs stay with the guarded slow path)', 'a: &x {b: 1}\nc:\n  <<: *x\n'],
    ['a collection as a key', '? [a, b]\n: c\n'],
    ['a local tag', 'a: !foo bar\n'],
    ['a %YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a null key, read as "" by the yaml library', 'null: c\n'],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ])('leaves %s to the yaml library', (_name, content) => {
    expect(parseYamlFast(content)).toBeUndefined();
  });

  it('still answers lineOf, and reports syntax problems, through the yaml library', () => {
    const content = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: value\n---\nkind: Other\n';
    const parsed = parseYamlFile('deploy/x.yaml', content);
    expect(parsed.documents.map(document => document.line)).toEqual([1, 8]);
    expect(parsed.documents[0].lineOf(['data', 'key'])).toBe(6);
    expect(parseYamlFile('deploy/dup.yaml', 'a: 1\na: 2\n').problems).toEqual([
      expect.objectContaining({ rule: 'yaml-syntax', line: 2, message: expect.stringContaining('duplicate key "a"') }),
    ]);
  });
});

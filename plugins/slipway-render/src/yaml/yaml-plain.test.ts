import { promises as fs } from 'fs';
import path from 'path';
import { isDeepStrictEqual } from 'util';
import { parse, parseAllDocuments } from 'yaml';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { renderGoldenPath } from '../renderer';
import { lineAt, lineStarts } from './yaml-fast';
import { parseYamlPlain } from './yaml-plain';

/** The `yaml` library's reading (values and each document's first line), or undefined when it finds an error. */
function reference(content: string): { values: unknown[]; lines: Array<number | undefined> } | undefined {
  const documents = parseAllDocuments(content, { uniqueKeys: false });
  if (documents.some(document => document.errors.length > 0)) return undefined;
  const starts = lineStarts(content);
  try {
    return {
      values: documents.map(document => document.toJS({ maxAliasCount: 100 })),
      lines: documents.map(document => (document.contents?.range ? lineAt(starts, document.contents.range[0]) : undefined)),
    };
  } catch {
    return undefined;
  }
}

/** The plain read; an empty document has no root offset, so its line is the yaml library's (as in parseYamlFile). */
function plain(content: string): { values: unknown[]; lines: Array<number | undefined> } | undefined {
  const documents = parseYamlPlain(content);
  if (!documents) return undefined;
  const starts = lineStarts(content);
  return {
    values: documents.map(document => document.value),
    lines: documents.map((document, index) => (document.rootOffset === undefined ? reference(content)?.lines[index] : lineAt(starts, document.rootOffset))),
  };
}

/** Every YAML file every registered golden path renders for each of its examples. */
async function renderedYamlFiles(): Promise<Array<{ name: string; content: string }>> {
  const registry = createGoldenPathRegistry();
  const out: Array<{ name: string; content: string }> = [];
  for (const goldenPath of registry.list()) {
    const examplesDir = path.join(goldenPath.dir, 'examples');
    for (const example of (await fs.readdir(examplesDir)).filter(file => file.endsWith('.yaml'))) {
      const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(examplesDir, example), 'utf8')));
      if (!resolved.ok) throw new Error(`${goldenPath.id} ${example} does not resolve`);
      for (const file of await renderGoldenPath(goldenPath, resolved.spec)) {
        if (/\.ya?ml$/.test(file.path)) out.push({ name: `${goldenPath.id} ${example} ${file.path}`, content: file.content });
      }
    }
  }
  return out;
}

describe('the plain-YAML read equals the yaml library where it answers', () => {
  let files: Array<{ name: string; content: string }>;
  beforeAll(async () => {
    files = await renderedYamlFiles();
  });

  it('reads nearly every rendered file, each equal to the yaml library (values and document lines)', () => {
    expect(files.length).toBeGreaterThan(200);
    let answered = 0;
    for (const { name, content } of files) {
      const fast = plain(content);
      if (!fast) continue;
      answered++;
      expect({ name, ...fast }).toEqual({ name, ...reference(content) });
    }
    // What it leaves (a Helm values file with an anchor) goes to js-yaml or the yaml library.
    expect(answered / files.length).toBeGreaterThan(0.95);
  });

  it('on random edits of rendered files: equal where it answers, never answering what the yaml library refuses', () => {
    let seed = 20261201;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [' ', '  ', '\n', '-', '- ', ':', ': ', '#', ' #', '"', "'", '|', '|-', '|+', '>', '[', ']', '{', '}', ',', '---\n', '...',
      '&a', '*a', '!x', '?', 'null', '~', 'true', '0', '-0', '012', '1e3', '.5', '0x1', '1.5', '\\', '\\n', 'x', '  - ', '\n  ', '\n\n', '__proto__', ':x', '%'];
    const small = files.filter(file => file.content.length < 6000);
    let answered = 0;
    for (let round = 0; round < 3000; round++) {
      let content = small[Math.floor(random() * small.length)].content;
      for (let edit = 0, edits = 1 + Math.floor(random() * 3); edit < edits; edit++) {
        const at = Math.floor(random() * content.length);
        const kind = random();
        if (kind < 0.4) content = content.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + content.slice(at);
        else if (kind < 0.7) content = content.slice(0, at) + content.slice(at + 1 + Math.floor(random() * 4));
        else {
          const lineStart = content.lastIndexOf('\n', at) + 1;
          content = content.slice(0, lineStart) + (random() < 0.5 ? ' ' : '') + content.slice(lineStart + (random() < 0.5 ? 1 : 0));
        }
      }
      const fast = plain(content);
      if (!fast) continue;
      answered++;
      const expected = reference(content);
      if (!expected || !isDeepStrictEqual(fast, expected)) {
        expect({ content, read: fast }).toEqual({ content, read: expected });
      }
    }
    expect(answered).toBeGreaterThan(1000);
  });

  it.each([
    ['plain decimals, nulls and booleans', 'a: 8080\nb: 0.95\nc:\nd: ~\ne: Null\nf: TRUE\ng: false\nh: 2m\ni: 0+600x4400\nj: v1.2.3\n'],
    ['YAML 1.1 forms stay strings', 'a: yes\nb: on\nc: 1:30\nd: 0b101\ne: 1_000\nf: 2024-01-01\n'],
    ['quoted scalars and keys', 'a: "1"\nb: \'true\'\n"c.d/e": "x\\ny \\"z\\" \\u00e9"\n\'f\': \'it\'\'s\'\n'],
    ['comments everywhere', '# head\na: b # tail\n  # indented\nc: d#not a comment\n\ne:   # after a key\n  f: 1\n'],
    ['a sequence in its key\'s column, and compact mappings in sequences', 'a:\n- x\n- y: 1\n  z: 2\nb:\n  - - ok\n'],
    ['flow collections', 'a: [x, "y", 1, [], {}]\nb: { k: v, n: 2, l: [a] }\nc: [ ]\n'],
    ['literal blocks and their chomping', 'a: |\n  x\n\n    y\n\nb: |-\n  z\n\nc: |+\n  w\nd: 1\n'],
    ['documents and markers', '# c\n---\n---\na: 1\n--- # c\n- 2\n---\n'],
    ['a root indented', '  a: 1\n  b: 2\n'],
    ['a scalar after a dash on the next line', 'a:\n  -\n    b\n'],
  ])('%s', (_name, content) => {
    const fast = plain(content);
    const expected = reference(content);
    expect(expected).toBeDefined();
    // Either it answers, equal to the yaml library, or it leaves the file to the others.
    if (fast) expect(fast).toEqual(expected);
  });

  it('answers the common shapes (so the fast path is taken)', () => {
    for (const content of [
      'a: 8080\nb: 0.95\nc:\nd: ~\nf: TRUE\nh: 2m\n',
      'a: "1"\n"c.d/e": "x\\ny"\n\'f\': \'it\'\'s\'\n',
      'a:\n- x\n- y: 1\n  z: 2\n',
      'a: [x, "y", 1, [], {}]\nb: { k: v, n: 2, l: [a] }\n',
      'a: |\n  x\n\n    y\n\nb: |-\n  z\n',
      '---\n---\na: 1\n--- # c\n- 2\n---\n',
    ]) {
      expect({ content, answered: parseYamlPlain(content) !== undefined }).toEqual({ content, answered: true });
    }
  });

  it.each([
    ['an alias', 'a: &x {b: 1}\nc: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a folded block', 'a: >\n  x\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a number the core schema reads otherwise', 'a: 1e3\n'],
    ['an octal', 'a: 0o17\n'],
    ['a non-string key', '1: a\n'],
    ['a null key', 'null: a\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['__proto__', '__proto__: 1\n'],
    ['a key Object.prototype has (constructor)', 'constructor: a\n'],
    ['a key Object.prototype has, in a flow mapping', 'a: { toString: 1 }\n'],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['a mapping in a value', 'a: b: c\n'],
    ['tabs', 'a:\t1\n'],
    ['CRLF', 'a: 1\r\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a scalar document', 'just text\n'],
    ['YAML escapes JSON lacks', 'a: "\\x41"\n'],
    ['text after a quoted scalar', 'a: "x" y\n'],
    ['a multi-line flow collection', 'a: [x,\n  y]\n'],
    ['mappings nested deeper than js-yaml allows', Array.from({ length: 150 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n') + ' 1\n'],
    ['flow collections nested by the thousand', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
  ])('leaves %s to the others', (_name, content) => {
    expect(parseYamlPlain(content)).toBeUndefined();
  });
});

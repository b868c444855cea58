import { parseYamlFile } from './yaml-documents';

describe('parseYamlFile cache', () => {
  it('gives the same parse for the same file and content, also from another string of that content', () => {
    const content = 'kind: ConfigMap\nmetadata:\n  name: x\n';
    const first = parseYamlFile('a.yaml', content);
    expect(parseYamlFile('a.yaml', content)).toBe(first);
    expect(parseYamlFile('a.yaml', `kind: ConfigMap\n${content.slice('kind: ConfigMap\n'.length)}`)).toBe(first);
    expect(Object.isFrozen(first.documents[0].value)).toBe(true);
  });

  it('keeps each file its own problems when two files hold the same content', () => {
    const content = 'a: 1\na: 2\n';
    expect(parseYamlFile('one.yaml', content).problems.map(problem => problem.file)).toEqual(['one.yaml']);
    expect(parseYamlFile('two.yaml', content).problems.map(problem => problem.file)).toEqual(['two.yaml']);
    expect(parseYamlFile('one.yaml', content).problems.map(problem => problem.file)).toEqual(['one.yaml']);
  });

  it('keeps a parse that is still being read while many others come and go', () => {
    const content = 'kept: true\n';
    const kept = parseYamlFile('kept.yaml', content);
    for (let i = 0; i < 1000; i++) {
      parseYamlFile(`other-${i}.yaml`, `n: ${i}\n`);
      if (i % 50 === 0) expect(parseYamlFile('kept.yaml', content)).toBe(kept);
    }
    // Unread for longer than the cache holds: parsed again, to an equal result.
    const again = parseYamlFile('kept.yaml', content);
    expect(again.documents.map(document => document.value)).toEqual(kept.documents.map(document => document.value));
  });

  it('reads keys Object.prototype also has as plain keys (the fast read leaves them to the others)', () => {
    const [document] = parseYamlFile('keys.yaml', 'constructor: a\ntoString:\n  valueOf: 1\n').documents;
    expect(document.value).toEqual({ constructor: 'a', toString: { valueOf: 1 } });
    expect(Object.getPrototypeOf((document.value as { toString: object }).toString)).toBe(Object.prototype);
  });
});

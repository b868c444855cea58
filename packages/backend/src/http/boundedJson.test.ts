import { parseBoundedJson } from './boundedJson';

describe('parseBoundedJson', () => {
  it('parses JSON within the depth limit', () => {
    expect(parseBoundedJson('{"values":{"tags":["a","b"]}}', 3)).toEqual({ ok: true, value: { values: { tags: ['a', 'b'] } } });
  });

  it('refuses JSON nested 100,000 levels without overflowing the stack, naming the path', () => {
    const deep = `{"values":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expect(parseBoundedJson(deep, 64)).toEqual({
      ok: false,
      // The body is level 1, values 2, the first array 3: the 65th container is 62 arrays down.
      path: `values.a${'[0]'.repeat(62)}`,
      rule: 'JSON must not nest deeper than 64 levels',
    });
  });

  it('counts containers, not brackets inside strings', () => {
    expect(parseBoundedJson('{"a":"[[[[{{{{","b":["]]]]"]}', 2)).toEqual({ ok: true, value: { a: '[[[[{{{{', b: [']]]]'] } });
    expect(parseBoundedJson('{"a\\"[":{"b":{}}}', 2)).toEqual({ ok: false, path: '["a\\"["].b', rule: 'JSON must not nest deeper than 2 levels' });
  });

  it('tracks keys and indexes on the way down', () => {
    expect(parseBoundedJson('{"x":1,"steps":[{},{"input":{"deep":{}}}]}', 4)).toEqual({
      ok: false,
      path: 'steps[1].input.deep',
      rule: 'JSON must not nest deeper than 4 levels',
    });
  });

  it('reports a syntax error as such', () => {
    expect(parseBoundedJson('{"values":', 64)).toEqual({ ok: false, path: '(body)', rule: expect.stringMatching(/^the body is not valid JSON \(/) });
  });
});

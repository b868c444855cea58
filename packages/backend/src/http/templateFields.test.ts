import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { templateFields, unknownValueKeys } from './templateFields';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

describe('templateFields', () => {
  it("lists every field of Slipway's template, including the one a dependency adds (repoUrl)", async () => {
    const template = parse(await fs.readFile(path.join(REPO_ROOT, 'skeletons/node-service/template.yaml'), 'utf8'));
    const fields = templateFields(template.spec.parameters);
    expect(fields).toEqual({
      open: false,
      names: ['certificateIssuer', 'database', 'description', 'name', 'owner', 'port', 'productionHost', 'publisher', 'repoUrl', 'stagingHost', 'system'],
    });
    expect(unknownValueKeys({ name: 'x', repoUrl: 'github.com?owner=a&repo=b', bogus: 1, huge: 'x' }, fields)).toEqual(['bogus', 'huge']);
  });

  it('follows allOf/anyOf/oneOf, if/then/else and dependencies, on one page or a list', () => {
    const page = {
      properties: { a: {} },
      allOf: [{ properties: { b: {} } }],
      if: { properties: { a: { const: 1 } } },
      then: { properties: { c: {} } },
      dependencies: { a: { oneOf: [{ properties: { d: {} } }] } },
    };
    expect(templateFields(page)).toEqual({ open: false, names: ['a', 'b', 'c', 'd'] });
    expect(templateFields([page, { properties: { e: {} } }])).toEqual({ open: false, names: ['a', 'b', 'c', 'd', 'e'] });
  });

  it('says "open" for a page that explicitly accepts any key, so nothing is refused there', () => {
    expect(templateFields([{ properties: { a: {} } }, { additionalProperties: true }])).toEqual({ open: true });
    expect(templateFields({ patternProperties: { '^x-': {} } })).toEqual({ open: true });
    expect(unknownValueKeys({ anything: 1 }, { open: true })).toEqual([]);
    // additionalProperties: false is the closed case.
    expect(templateFields({ properties: { a: {} }, additionalProperties: false })).toEqual({ open: false, names: ['a'] });
  });
});

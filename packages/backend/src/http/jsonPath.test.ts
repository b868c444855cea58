import { formatJsonPath } from './jsonPath';

describe('formatJsonPath', () => {
  it('writes identifiers with dots, indexes and other keys in brackets', () => {
    expect(formatJsonPath(['values', '__proto__'])).toBe('values.__proto__');
    expect(formatJsonPath(['directoryContents', 2, 'path'])).toBe('directoryContents[2].path');
    expect(formatJsonPath(['values', 'ui:options', 'a b'])).toBe('values["ui:options"]["a b"]');
    expect(formatJsonPath([0, 'x'])).toBe('[0].x');
  });
  it('names the body itself', () => {
    expect(formatJsonPath([])).toBe('(body)');
  });
});

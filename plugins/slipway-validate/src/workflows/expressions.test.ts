import { evaluate, evaluateCondition, interpolate, possibleStrings, UNKNOWN, type Value } from './expressions';

const tagPush = new Map<string, Value>([
  ['github.event_name', 'push'],
  ['github.ref', 'refs/tags/v1.2.3'],
  ['github.ref_type', 'tag'],
]);

describe('GitHub expressions', () => {
  it.each([
    ["startsWith(github.ref, 'refs/tags/v')", true],
    ["startsWith(github.ref, 'REFS/TAGS/')", true], // case-insensitive, as GitHub's
    ["github.ref == 'refs/heads/main'", false],
    ["github.event_name == 'PUSH'", true],
    ["github.event_name == 'push' && github.ref_type == 'tag' && 'production' || 'staging'", 'production'],
    ["!startsWith(github.ref, 'refs/tags/')", false],
    ["format('deploy-{0}', github.ref_type)", 'deploy-tag'],
    ['1 == 1.0 && null == 0 && !0', true],
    ["'it''s' == 'IT''S'", true],
  ])('%s → %j', (source, expected) => {
    expect(evaluate(source, tagPush)).toBe(expected);
  });

  it('keeps what it cannot know unknown, unless the other side of && / || decides', () => {
    expect(evaluate('github.repository', tagPush)).toBe(UNKNOWN);
    expect(evaluate("github.repository == 'a/b' && false", tagPush)).toBe(false);
    expect(evaluate("github.repository == 'a/b' || true", tagPush)).toBe(UNKNOWN);
    expect(evaluate('fromJSON(inputs.x)', tagPush)).toBe(UNKNOWN);
    expect(evaluate('(((', tagPush)).toBe(UNKNOWN);
  });

  it('reads if: as GitHub does: bare or wrapped, success() added unless a status function is used', () => {
    expect(evaluateCondition(undefined, tagPush)).toBe(true);
    expect(evaluateCondition("github.ref == 'refs/heads/main'", tagPush)).toBe(false);
    expect(evaluateCondition("${{ github.ref_type == 'tag' }}", tagPush)).toBe(true);
    expect(evaluateCondition('always()', tagPush)).toBe(true);
    expect(evaluateCondition('failure()', tagPush)).toBe(UNKNOWN);
  });

  it('interpolates templates, normalising what stays unknown', () => {
    expect(interpolate('deploy-${{ github.ref_type }}-${{  github.repository  }}', tagPush)).toEqual({
      value: 'deploy-tag-${{ github.repository }}',
      unknown: ['github.repository'],
    });
  });

  it('lists the strings a templated value can take', () => {
    expect(possibleStrings('staging', tagPush)).toEqual(['staging']);
    expect(possibleStrings("${{ inputs.target == 'p' && 'production' || 'staging' }}", tagPush)).toEqual(['production', 'staging']);
    expect(possibleStrings("${{ startsWith(github.ref, 'refs/tags/') && 'production' || 'staging' }}", tagPush)).toEqual(['production']);
    expect(possibleStrings('${{ inputs.environment }}', tagPush)).toEqual([]);
  });
});

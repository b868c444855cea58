import { evaluateExpr, measurementPhase } from './argoExpr';

describe('the expr evaluator of Argo Rollouts conditions', () => {
  it.each<[string, unknown, unknown]>([
    ['len(result) == 0 || result[0] >= 0.95', [], true],
    ['len(result) > 0 && result[0] >= 0.95', [], false],
    ['len(result) > 0 && result[0] >= 0.95', [0.97], true],
    ['result[0] >= 0.95', [Number.NaN], false],
    ['isNaN(result) || result >= 0.95', Number.NaN, true],
    ['result[-1] < 1', [2, 0.5], true],
    ['!(result[0] < 0.99)', [Number.NaN], true],
    ['not (1 > 2) and 2 ** 3 == 8', [], true],
    ['all(result, # >= 0.9) && any(result, {# > 0.95})', [0.91, 0.96], true],
    ['default(result, 0) < 0.05', null, true],
    ['result[0] > 1 ? "high" : "low"', [0.5], 'low'],
    ['1 + 2 * 3 - 4 / 2', [], 5],
  ])('%s with result = %p gives %p', (condition, result, expected) => {
    expect(evaluateExpr(condition, result as never)).toEqual({ kind: 'value', value: expected });
  });

  it('errors where expr errors: an index out of range, and type errors even in a branch never run', () => {
    expect(evaluateExpr('result[0] >= 0.95', [])).toEqual({ kind: 'error', message: 'index out of range: 0 (array length is 0)' });
    // expr compiles against the environment's types first, so short-circuiting does not save this.
    expect(evaluateExpr('len(result) == 0 || isNaN(result)', [])).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot use []float64 as argument') });
    expect(evaluateExpr('result >= 0.95', [0.9])).toMatchObject({ kind: 'error', message: 'invalid operation: >= (mismatched types []float64 and float64)' });
    expect(evaluateExpr('result[0] >=', [1])).toMatchObject({ kind: 'error' });
  });

  it('says so when a condition uses something it does not cover', () => {
    expect(evaluateExpr('let x = result[0]; x > 1', [1])).toMatchObject({ kind: 'unsupported' });
  });

  it('derives the phase as utils/evaluate EvaluateResult does', () => {
    const both = { successCondition: 'len(result) > 0 && result[0] >= 0.99', failureCondition: 'len(result) > 0 && result[0] < 0.99' };
    expect(measurementPhase(both, [1]).phase).toBe('Successful');
    expect(measurementPhase(both, [0.95]).phase).toBe('Failed');
    expect(measurementPhase(both, []).phase).toBe('Inconclusive');
    expect(measurementPhase(both, [Number.NaN]).phase).toBe('Inconclusive');
    expect(measurementPhase({ successCondition: 'result[0] >= 0.99' }, [Number.NaN]).phase).toBe('Failed');
    expect(measurementPhase({ successCondition: 'result[0] >= 0.99' }, []).phase).toBe('Error');
    expect(measurementPhase({ failureCondition: 'len(result) > 0 && result[0] < 0.99' }, []).phase).toBe('Successful');
    expect(measurementPhase({}, []).phase).toBe('Successful');
  });
});

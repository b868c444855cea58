import { analysisNoDataSuccess } from './analysis-no-data-success';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const TEMPLATE = 'deploy/base/analysistemplate.yaml';

describe("analysis-no-data-success: 'analysis-no-data-success'", () => {
  it('passes the generated conditions: [] and [NaN] are Inconclusive, and each metric has a failureCondition', async () => {
    expect(await unitProblems(analysisNoDataSuccess, await renderExample('minimal'))).toEqual([]);
  });

  it('reports the condition issue 8 found, which made an empty result a success', async () => {
    const files = editFile(await renderExample('minimal'), TEMPLATE, 'successCondition: len(result) > 0 && result[0] >= 0.99',
      'successCondition: len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99');
    const [problem, ...rest] = await unitProblems(analysisNoDataSuccess, files);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'analysis-no-data-success', object: 'AnalysisTemplate/orders-canary-analysis', file: TEMPLATE });
    expect(problem.message).toBe(
      'AnalysisTemplate/orders-canary-analysis spec.metrics[0].successCondition: metric "success-rate": on an empty result (nothing scraped, or no traffic), ' +
        'result = [], Argo Rollouts judges the measurement Successful, so a canary nobody sends traffic to, or Prometheus cannot scrape, is promoted; ' +
        'require data in the conditions (len(result) > 0 && …) so no data is Inconclusive',
    );
  });

  it('reports NaN passing, a failureCondition alone passing on no data, and a successCondition that is the only gate', async () => {
    let files = editFile(await renderExample('minimal'), TEMPLATE, 'successCondition: len(result) > 0 && result[0] >= 0.99', 'successCondition: len(result) > 0 && !(result[0] < 0.99)');
    files = editFile(files, TEMPLATE, 'failureCondition: len(result) > 0 && result[0] < 0.99', 'failureCondition: len(result) > 0 && result[0] < 0.99 && false');
    files = editFile(files, TEMPLATE, /\n      successCondition: len\(result\) > 0 && result\[0\] <= 0\.5/, '');
    files = editFile(files, TEMPLATE, /\n      failureCondition: len\(result\) > 0 && result\[0\] > 0\.5/, '\n      successCondition: result[0] <= 0.5');
    const messages = (await unitProblems(analysisNoDataSuccess, files)).map(problem => problem.message);
    expect(messages).toEqual([
      expect.stringContaining('metric "success-rate": on NaN (0/0: the canary\'s traffic stopped), result = [NaN], Argo Rollouts judges the measurement Successful'),
      expect.stringContaining('spec.metrics[1].failureCondition: metric "p95-latency": successCondition is the only gate'),
    ]);
  });
});

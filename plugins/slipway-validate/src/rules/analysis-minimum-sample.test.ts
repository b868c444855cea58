import { analysisMinimumSample, sampleMinimum } from './analysis-minimum-sample';
import { editFile, renderExample, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const TEMPLATE = 'deploy/base/analysistemplate.yaml';

describe("analysis-minimum-sample: 'analysis-minimum-sample'", () => {
  it('passes the generated analysis of node-service and node-worker: each query waits for a minimum of the canary\'s own events', async () => {
    expect(await unitProblems(analysisMinimumSample, await renderExample('minimal'))).toEqual([]);
    expect(await unitProblems(analysisMinimumSample, await renderGoldenPathExample('node-worker', 'rabbitmq'))).toEqual([]);
  });

  it('reports a worker canary whose failure ratio is judged without a minimum: one clean message would promote it', async () => {
    const files = editFile(await renderGoldenPathExample('node-worker', 'rabbitmq'), TEMPLATE,
      /\n {12}and\n {12}\(sum\(increase\(worker_messages_processed_total\{[^\n]*\) >= 50\n(?= {4}- name: p95-handler-duration)/, '\n');
    const problems = await unitProblems(analysisMinimumSample, files);
    expect(problems.map(problem => [problem.object, problem.file, problem.message])).toEqual([
      [
        'AnalysisTemplate/orders-worker-canary-analysis',
        TEMPLATE,
        expect.stringMatching(/^AnalysisTemplate\/orders-worker-canary-analysis spec\.metrics\[0\]\.provider\.prometheus\.query: metric "failure-ratio": the query has no minimum sample/),
      ],
    ]);
  });

  it('reports a guard of one event, and reads > N as N + 1', async () => {
    const files = editFile(await renderExample('minimal'), TEMPLATE, /\) >= 100\n(?= {4}- name: p95-latency)/, ') > 0\n');
    const [problem, ...rest] = await unitProblems(analysisMinimumSample, files);
    expect(rest).toEqual([]);
    expect(problem.message).toContain('metric "success-rate": the query\'s minimum sample is 1 event, so one event decides a measurement');
    expect(sampleMinimum('rate(a[2m]) and sum(increase(a[2m])) > 9')).toBe(10);
    expect(sampleMinimum('(rate(a[2m]) and (sum(increase(a[2m])) >= 20)) and count(up) >= 3')).toBe(20);
    expect(sampleMinimum('sum(increase(a[2m])) >= 20')).toBeUndefined();
    expect(sampleMinimum('rate(a[2m]) or sum(increase(a[2m])) >= 20')).toBeUndefined();
  });
});

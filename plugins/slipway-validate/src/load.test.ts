import { promises as fs } from 'fs';
import path from 'path';
import { loadRepoModel, readRepoFiles } from './load';
import { replaceLine, sampleRepoFiles, writeRepo } from './__fixtures__/sample-repo';

const asMap = (files: Record<string, string>) => new Map(Object.entries(files));

describe('loadRepoModel', () => {
  it('takes raw objects from kustomize resources and deploy/argocd, never from patches', () => {
    const { model, overlays, problems } = loadRepoModel(asMap(sampleRepoFiles()));
    expect(problems).toEqual([]);
    expect(model.rawObjects.map(o => `${o.file} ${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'deploy/argocd/staging.yaml Application/demo-staging',
      'deploy/base/database.yaml Cluster/demo-db',
      'deploy/base/deployment.yaml Deployment/demo',
      'deploy/base/service.yaml Service/demo',
      'deploy/overlays/production/pdb.yaml PodDisruptionBudget/demo',
    ]);
    expect(model.rawObjects[2].line).toBe(1);
    expect(model.environments.size).toBe(0);
    expect(overlays).toEqual([
      { environment: 'staging', dir: 'deploy/overlays/staging' },
      { environment: 'production', dir: 'deploy/overlays/production' },
    ]);
  });

  it('reports YAML syntax errors with file and line for every YAML file', () => {
    const files = { ...sampleRepoFiles(), '.github/workflows/ci.yaml': 'on: push\njobs:\n  build: [\n' };
    const { problems } = loadRepoModel(asMap(replaceLine(files, 'deploy/base/service.yaml', '  selector:', ' selector:')));
    expect(problems).toEqual([
      expect.objectContaining({ check: 'yaml', rule: 'yaml-syntax', file: '.github/workflows/ci.yaml', line: 4 }),
      // yaml notices the bad indentation of `selector` where the next sibling key starts.
      expect.objectContaining({ check: 'yaml', rule: 'yaml-syntax', file: 'deploy/base/service.yaml', line: 8, message: 'All mapping items must start at the same column' }),
    ]);
  });

  it('reports duplicate keys, which kubectl would reject', () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/base/deployment.yaml', '  replicas: 2', '  replicas: 2\n  replicas: 3');
    expect(loadRepoModel(asMap(files)).problems).toEqual([
      expect.objectContaining({ check: 'yaml', file: 'deploy/base/deployment.yaml', line: 7, message: expect.stringMatching(/unique/) }),
    ]);
  });

  it('reports resource documents that are not Kubernetes objects and expands Lists', () => {
    const files = {
      ...sampleRepoFiles(),
      'deploy/argocd/notes.yaml': '---\n# empty document above\nname: just-a-map\n',
      'deploy/argocd/list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: one\n',
    };
    const { model, problems } = loadRepoModel(asMap(files));
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'not-a-kubernetes-object', file: 'deploy/argocd/notes.yaml', line: 3, message: expect.stringMatching(/has no apiVersion, kind, metadata.name/) }),
    ]);
    expect(model.rawObjects.map(o => o.object.metadata.name)).toContain('one');
  });
});

describe('readRepoFiles', () => {
  it('reads text files and skips .git, node_modules and binary files', async () => {
    const root = await writeRepo({ 'a.txt': 'hello', 'src/b.ts': 'export {}', '.git/HEAD': 'ref', 'node_modules/x/index.js': '' });
    try {
      await fs.writeFile(path.join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
      const files = await readRepoFiles(root);
      expect([...files.keys()]).toEqual(['a.txt', 'src/b.ts']);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

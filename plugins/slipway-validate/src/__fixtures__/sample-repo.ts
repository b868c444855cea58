import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { RenderedFile } from '@slipway/render';

/** A small valid kustomize repo: a base, two overlays with patches, an Argo CD app and a database. */
export function sampleRepoFiles(): Record<string, string> {
  return {
    'README.md': '# demo\n',
    'catalog-info.yaml': [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: demo',
      'spec:',
      '  type: service',
      '  owner: team-a',
      '  lifecycle: experimental',
      '',
    ].join('\n'),
    'deploy/base/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'labels:',
      '  - pairs:',
      '      app.kubernetes.io/name: demo',
      'resources:',
      '  - deployment.yaml',
      '  - service.yaml',
      '  - database.yaml',
      '',
    ].join('\n'),
    'deploy/base/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: demo',
      'spec:',
      '  replicas: 2',
      '  selector:',
      '    matchLabels:',
      '      app: demo',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: demo',
      '    spec:',
      '      containers:',
      '        - name: demo',
      '          image: ghcr.io/acme/demo:1.0.0',
      '          ports:',
      '            - containerPort: 8080',
      '          readinessProbe:',
      '            httpGet:',
      '              path: /healthz',
      '              port: 8080',
      '          resources:',
      '            requests:',
      '              cpu: 100m',
      '              memory: 128Mi',
      '',
    ].join('\n'),
    'deploy/base/service.yaml': [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: demo',
      'spec:',
      '  selector:',
      '    app: demo',
      '  ports:',
      '    - port: 80',
      '      targetPort: 8080',
      '',
    ].join('\n'),
    'deploy/base/database.yaml': [
      'apiVersion: postgresql.cnpg.io/v1',
      'kind: Cluster',
      'metadata:',
      '  name: demo-db',
      'spec:',
      '  instances: 1',
      '  # One instance: no primary PodDisruptionBudget, which would block node drains.',
      '  enablePDB: false',
      '  imageName: ghcr.io/cloudnative-pg/postgresql:16.4',
      '  storage:',
      '    size: 1Gi',
      '  bootstrap:',
      '    initdb:',
      '      database: demo',
      '      owner: demo',
      '  monitoring:',
      '    enablePodMonitor: true',
      '',
    ].join('\n'),
    'deploy/overlays/staging/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: demo-staging',
      'resources:',
      '  - ../../base',
      'patches:',
      '  - path: replicas.yaml',
      '',
    ].join('\n'),
    'deploy/overlays/staging/replicas.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: demo',
      'spec:',
      '  replicas: 1',
      '',
    ].join('\n'),
    'deploy/overlays/production/kustomization.yaml': [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: demo-production',
      'resources:',
      '  - ../../base',
      '  - pdb.yaml',
      'patches:',
      '  - path: replicas.yaml',
      '',
    ].join('\n'),
    'deploy/overlays/production/replicas.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: demo',
      'spec:',
      '  replicas: 3',
      '',
    ].join('\n'),
    'deploy/overlays/production/pdb.yaml': [
      'apiVersion: policy/v1',
      'kind: PodDisruptionBudget',
      'metadata:',
      '  name: demo',
      'spec:',
      '  minAvailable: 1',
      '  selector:',
      '    matchLabels:',
      '      app: demo',
      '',
    ].join('\n'),
    'deploy/argocd/staging.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: demo-staging',
      '  namespace: argocd',
      'spec:',
      '  project: default',
      '  source:',
      '    repoURL: https://github.com/acme/demo',
      '    path: deploy/overlays/staging',
      '    targetRevision: main',
      '  destination:',
      '    server: https://kubernetes.default.svc',
      '    namespace: demo-staging',
      '',
    ].join('\n'),
  };
}

export function toRenderedFiles(files: Record<string, string>): RenderedFile[] {
  return Object.entries(files).map(([filePath, content]) => ({ path: filePath, content, executable: false }));
}

export async function writeRepo(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-validate-test-'));
  for (const [filePath, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, filePath)), { recursive: true });
    await fs.writeFile(path.join(root, filePath), content);
  }
  return root;
}

/** Replaces a line of a file, failing loudly when the fixture no longer has it. */
export function replaceLine(files: Record<string, string>, file: string, from: string, to: string): Record<string, string> {
  if (!files[file]?.includes(from)) throw new Error(`fixture ${file} has no ${JSON.stringify(from)}`);
  return { ...files, [file]: files[file].replace(from, to) };
}

/**
 * examples/kubernetes/backstage-reader.yaml is documentation that runs: every object is
 * schema-valid, and the ClusterRole grants get/list on exactly the kinds app-config.yaml
 * makes the Kubernetes backend fetch — nothing more.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import { Namespace, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { REPO_ROOT } from './support/generatedRepo';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  Secret,
  ClusterRole,
  ClusterRoleBinding,
};

describe('the Backstage RBAC example', () => {
  let documents: Array<{ kind: string; metadata: { name: string }; rules?: Rule[] }>;
  let kubernetesConfig: { objectTypes: string[]; customResources: Array<{ group: string; plural: string }> };

  beforeAll(async () => {
    const text = await fs.readFile(path.join(REPO_ROOT, 'examples/kubernetes/backstage-reader.yaml'), 'utf8');
    documents = parseAllDocuments(text).map(doc => doc.toJS());
    kubernetesConfig = parse(await fs.readFile(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8')).kubernetes;
  });

  it('is schema-valid Kubernetes', () => {
    expect(documents.map(doc => doc.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Secret']);
    for (const doc of documents) expect(() => new MODELS[doc.kind](doc).validate()).not.toThrow();
  });

  it('grants get and list on exactly the kinds the backend fetches', () => {
    const role = documents.find(doc => doc.kind === 'ClusterRole')!;
    const granted = new Set<string>();
    for (const rule of role.rules!) {
      expect([...rule.verbs].sort()).toEqual(['get', 'list']);
      for (const group of rule.apiGroups) for (const resource of rule.resources) granted.add(`${group}/${resource}`);
    }
    const groupOf = new Map(DEFAULT_OBJECTS.map(object => [object.objectType, object.group]));
    const fetched = new Set([
      ...kubernetesConfig.objectTypes.map(type => `${groupOf.get(type as never)}/${type}`),
      ...kubernetesConfig.customResources.map(resource => `${resource.group}/${resource.plural}`),
    ]);
    expect([...granted].sort()).toEqual([...fetched].sort());
  });
});

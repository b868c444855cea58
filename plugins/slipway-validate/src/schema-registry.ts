import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { GENERATED_CRD_KINDS, loadGeneratedCrdSchema } from './crd-schemas';
import { LearnedFieldReads, UnknownField } from './field-trace';
import { KubernetesObject } from './types';
import type { PathSegment } from '@slipway/render';

/** One schema rule an object breaks, in AJV's terms (JSON pointer path, keyword, params). */
export interface SchemaViolation {
  instancePath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export interface SchemaCheckResult {
  violations: SchemaViolation[];
  unknownFields: UnknownField[];
}

/** Validates objects of one apiVersion and kind. */
export interface ObjectSchema {
  check(object: KubernetesObject): SchemaCheckResult;
}

/** A kubernetes-models class: `new Deployment(data).validate()` throws an AJV ValidationError. */
interface ModelClass {
  new (data: never): { validate(): void };
  prototype: { validate(): void };
}

function violationsOf(error: unknown): SchemaViolation[] {
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) throw error; // not a validation failure: a bug worth surfacing
  return errors.map((e: ErrorObject) => ({
    instancePath: e.instancePath,
    keyword: e.keyword,
    message: e.message ?? e.keyword,
    params: e.params as Record<string, unknown>,
  }));
}

/**
 * Validates with the model's own validator, run on a tracing proxy to also find unknown fields
 * (learnt per kind: see LearnedFieldReads, which traces only objects with a place not seen yet).
 */
function modelSchema(load: () => ModelClass): ObjectSchema {
  const learned = new LearnedFieldReads();
  // Loaded once: require() answers from its cache, but resolving the module's path every call was
  // a twentieth of schema checking.
  let loaded: ModelClass | undefined;
  return {
    check(object) {
      const model = (loaded ??= load());
      // The model's validator reads `this` (older models find their schema on the prototype), so it
      // runs on an instance: when what was learnt answers, one that shares the parsed (frozen) values,
      // made without copying them; a traced object gets a model of its own (a deep copy) for the proxy.
      const shared = Object.assign(Object.create(model.prototype) as object, object);
      const { result: violations, unknownFields } = learned.check(
        shared,
        target => {
          try {
            model.prototype.validate.call(target);
            return [];
          } catch (error) {
            return violationsOf(error);
          }
        },
        found => found.length === 0,
        () => new model(object as never),
      );
      return { violations, unknownFields };
    },
  };
}

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; additionalProperties?: SchemaNode | boolean; $ref?: string };

/**
 * The property names the schema declares for the object at `path`. A structural schema (what the
 * API server requires of CRDs) declares each level's properties outside anyOf/oneOf, so the walk
 * follows only properties, items, additionalProperties and the generator's `#/$defs/…` refs.
 * (AJV's schemaPath would not do: inside a `$ref` it is relative to the referenced schema.)
 */
function declaredProperties(root: SchemaNode, path: readonly PathSegment[]): string[] {
  const deref = (node: SchemaNode | undefined): SchemaNode | undefined => {
    const name = node?.$ref?.match(/^#\/\$defs\/(.+)$/)?.[1];
    return name ? (root as { $defs?: Record<string, SchemaNode> }).$defs?.[name] : node;
  };
  let node = deref(root);
  for (const segment of path) {
    if (!node) break;
    const next: SchemaNode | boolean | undefined =
      typeof segment === 'number' ? node.items : node.properties?.[segment] ?? node.additionalProperties;
    node = typeof next === 'object' ? deref(next) : undefined;
  }
  return Object.keys(node?.properties ?? {}).sort();
}

/** AJV's instancePath as path segments; an array's index is a number (so it prints as `steps[1]`). */
function pathOfPointer(pointer: string, data: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(Array.isArray(node) && /^\d+$/.test(segment) ? Number(segment) : segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

/** A copy of `schema` where the value at `path` (property names from the root) may be any array. */
function withOpenSubtree(schema: object, path: readonly string[]): object {
  if (path.length === 0) return { type: 'array' };
  const node = schema as { properties?: Record<string, object> };
  const child = node.properties?.[path[0]];
  if (!child) throw new Error(`the generated schema has no property ${path[0]} to open`);
  return { ...schema, properties: { ...node.properties, [path[0]]: withOpenSubtree(child, path.slice(1)) } };
}

/**
 * A part of a CRD that another schema checks: upstream CRDs can leave open what the controller
 * decodes into a core type (Argo Rollouts' CRD generator replaces the pod template's `volumes`
 * with `x-kubernetes-preserve-unknown-fields`: hack/gen-crd-spec/main.go
 * `setValidationOverride(un, preserveUnknownFields, "spec.template.spec.volumes")`), so the
 * generated schema opens `path` and `schema` checks each item of the array there.
 */
interface EmbeddedSchema {
  path: readonly string[];
  schema: ObjectSchema;
}

function embeddedResult(embedded: EmbeddedSchema, object: KubernetesObject): SchemaCheckResult {
  let value: unknown = object;
  for (const segment of embedded.path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  const result: SchemaCheckResult = { violations: [], unknownFields: [] };
  if (!Array.isArray(value)) return result; // not a list: the generated schema reports its type
  const pointer = embedded.path.map(segment => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  value.forEach((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
    const inner = embedded.schema.check(item as KubernetesObject);
    result.violations.push(...inner.violations.map(violation => ({ ...violation, instancePath: `${pointer}/${index}${violation.instancePath}` })));
    result.unknownFields.push(...inner.unknownFields.map(field => ({ ...field, path: [...embedded.path, index, ...field.path] })));
  });
  return result;
}

/**
 * Validates with a JSON schema generated from an upstream CRD (validate/crd-schemas, made by
 * scripts/generate-crd-schemas.js). The generator closes every object the API server would prune
 * unknown fields of (`additionalProperties: false`), so those errors are unknown fields here, and
 * the fields the schema declares there (for "did you mean") are looked up in the schema by the
 * error's path: no `verbose`, so errors (also those of an int-or-string's failing branch) do not
 * carry their data and schemas. AJV compiles on first use (optimize off: a quarter of a second
 * instead of half for the RabbitmqCluster schema, which embeds a whole StatefulSet; validating is
 * not measurably slower).
 */
function generatedCrdSchema(load: () => object | undefined, embedded?: EmbeddedSchema): ObjectSchema {
  let compiled: { schema: SchemaNode; validate: ValidateFunction } | undefined;
  return {
    check(object) {
      if (!compiled) {
        const loaded = load();
        if (!loaded) throw new Error('the generated schema is missing');
        const schema = embedded ? withOpenSubtree(loaded, embedded.path) : loaded;
        const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false, code: { optimize: false } }).compile(schema);
        compiled = { schema, validate };
      }
      const violations: SchemaViolation[] = [];
      const unknownFields: UnknownField[] = [];
      if (!compiled.validate(object)) {
        for (const error of compiled.validate.errors ?? []) {
          if (error.keyword === 'additionalProperties') {
            const parentPath = pathOfPointer(error.instancePath, object);
            const known = declaredProperties(compiled.schema, parentPath);
            unknownFields.push({ path: [...parentPath, String(error.params.additionalProperty)], known });
          } else {
            violations.push({ instancePath: error.instancePath, keyword: error.keyword, message: error.message ?? error.keyword, params: error.params });
          }
        }
      }
      if (!embedded) return { violations, unknownFields };
      const inner = embeddedResult(embedded, object);
      return { violations: [...violations, ...inner.violations], unknownFields: [...unknownFields, ...inner.unknownFields] };
    },
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use */
/**
 * Generated kinds with a part checked by a kubernetes-models core type: a Rollout's pod template
 * is a corev1.PodTemplateSpec (RolloutSpec.Template, pkg/apis/rollouts/v1alpha1/types.go), whose
 * volumes the CRD leaves open. (Its resource quantities are open too, as in the 0.3.2 model.)
 */
const EMBEDDED_SCHEMAS: Readonly<Record<string, EmbeddedSchema>> = {
  'argoproj.io/v1alpha1/Rollout': {
    path: ['spec', 'template', 'spec', 'volumes'],
    schema: modelSchema(() => require('kubernetes-models/v1/Volume').Volume),
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every kind scripts/generate-crd-schemas.js made a schema for (Argo Rollouts, Gateway API, RabbitMQ operators, External Secrets v1). */
function generatedCrdSchemas(): Record<string, ObjectSchema> {
  return Object.fromEntries(
    Object.entries(GENERATED_CRD_KINDS).map(([key, { module, file }]) => {
      const version = key.split('/').slice(-2)[0];
      return [key, generatedCrdSchema(() => loadGeneratedCrdSchema(module, file)?.versions[version], EMBEDDED_SCHEMAS[key])];
    }),
  );
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use: the models cost ~0.5 s to load all at once */
const SCHEMAS: Record<string, ObjectSchema> = {
  // core v1
  'v1/ConfigMap': modelSchema(() => require('kubernetes-models/v1/ConfigMap').ConfigMap),
  'v1/LimitRange': modelSchema(() => require('kubernetes-models/v1/LimitRange').LimitRange),
  'v1/Namespace': modelSchema(() => require('kubernetes-models/v1/Namespace').Namespace),
  'v1/PersistentVolumeClaim': modelSchema(() => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim),
  'v1/Pod': modelSchema(() => require('kubernetes-models/v1/Pod').Pod),
  'v1/ResourceQuota': modelSchema(() => require('kubernetes-models/v1/ResourceQuota').ResourceQuota),
  'v1/Secret': modelSchema(() => require('kubernetes-models/v1/Secret').Secret),
  'v1/Service': modelSchema(() => require('kubernetes-models/v1/Service').Service),
  'v1/ServiceAccount': modelSchema(() => require('kubernetes-models/v1/ServiceAccount').ServiceAccount),
  // workloads
  'apps/v1/DaemonSet': modelSchema(() => require('kubernetes-models/apps/v1/DaemonSet').DaemonSet),
  'apps/v1/Deployment': modelSchema(() => require('kubernetes-models/apps/v1/Deployment').Deployment),
  'apps/v1/StatefulSet': modelSchema(() => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet),
  'batch/v1/CronJob': modelSchema(() => require('kubernetes-models/batch/v1/CronJob').CronJob),
  'batch/v1/Job': modelSchema(() => require('kubernetes-models/batch/v1/Job').Job),
  'autoscaling/v2/HorizontalPodAutoscaler': modelSchema(
    () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  ),
  'policy/v1/PodDisruptionBudget': modelSchema(() => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget),
  // networking and access
  'networking.k8s.io/v1/Ingress': modelSchema(() => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress),
  'networking.k8s.io/v1/NetworkPolicy': modelSchema(() => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy),
  'rbac.authorization.k8s.io/v1/ClusterRole': modelSchema(() => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole').ClusterRole),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': modelSchema(
    () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding').ClusterRoleBinding,
  ),
  'rbac.authorization.k8s.io/v1/Role': modelSchema(() => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role),
  'rbac.authorization.k8s.io/v1/RoleBinding': modelSchema(() => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding),
  // Argo CD (argoproj.io/v1alpha1; Argo Rollouts' kinds are generated, below)
  'argoproj.io/v1alpha1/AppProject': modelSchema(() => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject').AppProject),
  'argoproj.io/v1alpha1/Application': modelSchema(() => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application),
  'argoproj.io/v1alpha1/ApplicationSet': modelSchema(() => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet').ApplicationSet),
  // Prometheus operator
  'monitoring.coreos.com/v1/PodMonitor': modelSchema(() => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor').PodMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': modelSchema(
    () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
  ),
  'monitoring.coreos.com/v1/ServiceMonitor': modelSchema(
    () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
  ),
  // CloudNativePG (models generated from the 1.24.1 release manifest)
  'postgresql.cnpg.io/v1/Backup': modelSchema(() => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Backup').Backup),
  'postgresql.cnpg.io/v1/Cluster': modelSchema(() => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster').Cluster),
  'postgresql.cnpg.io/v1/ClusterImageCatalog': modelSchema(
    () => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ClusterImageCatalog').ClusterImageCatalog,
  ),
  'postgresql.cnpg.io/v1/ImageCatalog': modelSchema(() => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ImageCatalog').ImageCatalog),
  'postgresql.cnpg.io/v1/Pooler': modelSchema(() => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Pooler').Pooler),
  'postgresql.cnpg.io/v1/ScheduledBackup': modelSchema(() => require('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup').ScheduledBackup),
  // KEDA (models generated from the 2.10.1 release manifest)
  'keda.sh/v1alpha1/ClusterTriggerAuthentication': modelSchema(
    () => require('@kubernetes-models/keda/keda.sh/v1alpha1/ClusterTriggerAuthentication').ClusterTriggerAuthentication,
  ),
  'keda.sh/v1alpha1/ScaledJob': modelSchema(() => require('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledJob').ScaledJob),
  'keda.sh/v1alpha1/ScaledObject': modelSchema(() => require('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject').ScaledObject),
  'keda.sh/v1alpha1/TriggerAuthentication': modelSchema(() => require('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication').TriggerAuthentication),
  // cert-manager (models generated from the 1.11.2 CRDs)
  'cert-manager.io/v1/Certificate': modelSchema(() => require('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate').Certificate),
  'cert-manager.io/v1/CertificateRequest': modelSchema(() => require('@kubernetes-models/cert-manager/cert-manager.io/v1/CertificateRequest').CertificateRequest),
  'cert-manager.io/v1/ClusterIssuer': modelSchema(() => require('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer').ClusterIssuer),
  'cert-manager.io/v1/Issuer': modelSchema(() => require('@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer').Issuer),
  // External Secrets v1beta1 (models generated from the 0.8.1 release manifest; ESO 0.17+ serves only v1, generated below)
  'external-secrets.io/v1beta1/ClusterExternalSecret': modelSchema(
    () => require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterExternalSecret').ClusterExternalSecret,
  ),
  'external-secrets.io/v1beta1/ClusterSecretStore': modelSchema(
    () => require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore').ClusterSecretStore,
  ),
  'external-secrets.io/v1beta1/ExternalSecret': modelSchema(() => require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret').ExternalSecret),
  'external-secrets.io/v1beta1/SecretStore': modelSchema(() => require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/SecretStore').SecretStore),
  // Schemas generated here from upstream CRDs (validate/crd-schemas): Argo Rollouts, Gateway API, RabbitMQ Cluster and
  // Messaging Topology Operators, External Secrets v1
  ...generatedCrdSchemas(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function schemaFor(apiVersion: string, kind: string): ObjectSchema | undefined {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, `${apiVersion}/${kind}`) ? SCHEMAS[`${apiVersion}/${kind}`] : undefined;
}

/** `apiVersion/kind` pairs with a schema, e.g. `apps/v1/Deployment`. */
export function knownSchemaKinds(): string[] {
  return Object.keys(SCHEMAS).sort();
}

/**
 * The shape of one operator data file (validate/operators/<operator>.json): which objects each
 * custom resource makes the operator create, so references to them resolve.
 *
 * Paths are dotted, with `["a.b/c"]` for keys that contain dots or slashes and `[]` for every
 * element of a list: `spec.data[].secretKey`, `metadata.annotations["cert-manager.io/issuer"]`.
 *
 * A template is a string with `{path}` placeholders (`{metadata.name}-app`), or a list of them
 * tried in order: the first whose placeholders all resolve to strings or numbers wins
 * (`["{spec.target.name}", "{metadata.name}"]` is spec.target.name, defaulting to the name).
 */
export type Template = string | readonly string[];

/** Label maps (selectors, labels) of templates; `undefined` entries are how tsc types JSON lists of unlike maps, and are skipped. */
export type TemplateMap = Readonly<Record<string, Template | undefined>>;

/** A test on the custom resource; `when` lists hold when every condition does. */
export interface Condition {
  path?: string;
  /** The upstream default, used when the field is absent. */
  default?: string | number | boolean;
  equals?: string | number | boolean;
  in?: ReadonlyArray<string | number | boolean>;
  /** true: the field is set (not null); false: it is absent. */
  present?: boolean;
  /** For a list (or a `[]` path): it contains this value. */
  contains?: string;
  /** For a list (or a `[]` path): it does not contain this value. */
  excludes?: string;
  /** A number at least this. */
  atLeast?: number;
  /** Holds when any of these holds. */
  anyOf?: readonly Condition[];
}

/** A Secret the operator writes. */
export interface MadeSecret {
  /** The Secret's name; or namesAt for one Secret per value found (a list path). */
  name?: Template;
  namesAt?: string;
  when?: readonly Condition[];
  /** Keys it always has. */
  keys?: readonly string[];
  /** Keys taken from the resource: values at list paths. */
  keysAt?: readonly string[];
  /** Keys taken from the resource: the keys of maps. */
  keysOfMapsAt?: readonly string[];
  /** Keys added when a condition holds (a plugin's port, an extra output format). */
  extraKeys?: ReadonlyArray<{ when: readonly Condition[]; keys: readonly string[] }>;
  /** When any holds, its keys cannot be known before run time (remote maps, templates). */
  keysUnknownWhen?: readonly Condition[];
}

export interface MadePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  when?: readonly Condition[];
}

/** A Service the operator writes. */
export interface MadeService {
  name: Template;
  when?: readonly Condition[];
  labels?: TemplateMap;
  /** Label maps of the resource the Service also carries (the operator's own labels win). */
  labelsFrom?: ReadonlyArray<{ path: string; exceptPrefix?: string }>;
  selector: TemplateMap;
  ports: readonly MadePort[];
  headless?: boolean;
}

export interface MadeContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  when?: readonly Condition[];
}

/** Pods the operator runs, with the labels selectors can match and the ports they listen on. */
export interface MadePods {
  /** What these pods are, for messages (`primary instance`). */
  role: string;
  when?: readonly Condition[];
  labels: TemplateMap;
  /**
   * Label maps of the resource the pods also carry (inheritedMetadata, an override's template
   * labels), in order; keys with `exceptPrefix` are not copied. The catalog checks read these
   * fields for the Backstage labels.
   */
  labelsFrom?: ReadonlyArray<{ path: string; exceptPrefix?: string }>;
  ports: readonly MadeContainerPort[];
}

export interface MadePodDisruptionBudget {
  name: Template;
  when?: readonly Condition[];
  selector: TemplateMap;
  minAvailable?: number | string;
  /** minAvailable computed from the resource: the number at path plus offset (CloudNativePG: instances - 2). */
  minAvailableAt?: NumberAt & { offset: number };
  maxUnavailable?: number | string;
}

/** A number read from the resource, with the upstream default. */
export interface NumberAt {
  path: string;
  default: number;
  /** The least the operator writes (KEDA's HPA keeps minReplicas at 1 or more, and scales to zero itself). */
  floor?: number;
}

/** An autoscaler the operator writes (KEDA's HPA for a ScaledObject). */
export interface MadeAutoscaler {
  name: Template;
  when?: readonly Condition[];
  /** Where the target is declared, for messages. */
  targetField: string;
  scaleTargetRef: { apiVersion: Template; kind: Template; name: Template };
  minReplicas: NumberAt;
  maxReplicas: NumberAt;
}

/** A pod template inside the custom resource, checked like a workload's (KEDA ScaledJob's job template). */
export interface EmbeddedPodTemplate {
  /** Path of the PodTemplateSpec (`spec.jobTargetRef.template`). */
  path: string;
  longRunning: boolean;
  replicated: boolean;
}

/**
 * A Secret the resource reads (KEDA's TriggerAuthentication secretTargetRef). Paths are relative
 * to each item at itemsAt (a `[]` path), or to the resource when there is none.
 */
export interface ReadsSecret {
  itemsAt?: string;
  name: string;
  key?: string;
  when?: readonly Condition[];
  /** What fails when it is missing, for messages. */
  consequence: string;
}

/** Another custom resource the resource names (a Queue's RabbitmqCluster, a trigger's TriggerAuthentication). */
export interface ReadsObject {
  itemsAt?: string;
  name: string;
  group: string;
  kind: string;
  /** The item's field that may name another kind (authenticationRef.kind): only `kind` (or absent) is checked. */
  kindField?: string;
  /** The item's field that may name another namespace: such references are not the repo's to check. */
  namespaceField?: string;
  when?: readonly Condition[];
  consequence: string;
}

/** What one kind of custom resource makes. */
export interface OperatorResource {
  /** API group, any version: `postgresql.cnpg.io`. */
  group: string;
  kind: string;
  /** The upstream source of the facts below (file and function, or documentation). */
  source: string;
  secrets?: readonly MadeSecret[];
  services?: readonly MadeService[];
  pods?: readonly MadePods[];
  podDisruptionBudgets?: readonly MadePodDisruptionBudget[];
  autoscalers?: readonly MadeAutoscaler[];
  podTemplates?: readonly EmbeddedPodTemplate[];
  /** What it reads, which must exist for the operator to act on it. */
  readsSecrets?: readonly ReadsSecret[];
  readsObjects?: readonly ReadsObject[];
}

export interface OperatorFile {
  /** The operator's name, as messages print it: `CloudNativePG`. */
  operator: string;
  /** The upstream release the facts were read from. */
  version: string;
  /** Repository (or documentation) the facts come from. */
  upstream: string;
  /** Anything the data deliberately leaves out, and why. */
  notes?: readonly string[];
  resources: readonly OperatorResource[];
}

import type { EdgeKind } from './systemSpec';
import type { Labels, ResourceKind } from './wiring';

/*
 * The resolved system: pure data, every default applied, every address and allow-list derived
 * from the edges. The lead's rendering maps it onto each part's golden-path values.
 */

/** Is the end a part (a golden path's service) or a backing resource. */
export type EndRole = 'part' | 'resource';

/** `calls:storefront->catalog`, `publishes:orders->bookstore-mq:orders`: names one declared edge. */
export type EdgeId = string;

export interface ResolvedSystem {
  name: string;
  owner: string;
  description: string;
  /** The catalog System every part and resource names (`system:<name>`). */
  entityRef: string;
  layout: ResolvedLayout;
  /** In promotion order; the last is the production tier. */
  environments: SystemEnvironment[];
  parts: ResolvedPart[];
  resources: ResolvedResource[];
}

export type ResolvedLayout =
  | { kind: 'app-repos' }
  | { kind: 'config-repo'; repoUrl: string; branch: string };

/** Where an end's manifests live (its deploy/ tree). */
export interface DeployLocation {
  repoUrl: string;
  branch: string;
  /** Folder in that repo: `deploy` in a part's own repo, `apps/<part>` in a config repo (a resource: its holder's). */
  path: string;
}

export interface ResolvedPart {
  name: string;
  goldenPath: string;
  /** The part's golden-path values as written (the lead validates them with the path's spec). */
  values: Record<string, unknown>;
  /** The part's own repo: its code and CI. */
  repo: { url: string; branch: string };
  deploy: DeployLocation;
  /** argocd.argoproj.io/sync-wave of the part's Application in each environment's app-of-apps (resolveWaves.ts). */
  wave: number;
  catalog: PartCatalog;
}

export interface ResolvedResource {
  name: string;
  kind: ResourceKind;
  description: string;
  storageSize?: string;
  backup?: { destinationPath: string; schedule: string; environments: string[] };
  /** With app-repos: the part whose repo holds the manifests. */
  heldBy: string;
  deploy: DeployLocation;
  /** Its holder's wave: the resource is applied with the holder's Application (resolveWaves.ts). */
  wave: number;
  catalog: ResourceCatalog;
}

/** A part's catalog relations (Backstage Component spec). */
export interface PartCatalog {
  system: string;
  /** `component:<callee>` per call, `resource:<name>` per resource it connects to; in edge order, once each. */
  dependsOn: string[];
  /** `api:<callee>` per call to a part whose HTTP service is an API. */
  consumesApis: string[];
  /** `api:<name>` when the part's HTTP service is an API that another part calls. */
  providesApis: string[];
}

export interface ResourceCatalog {
  system: string;
  /** Backstage Resource spec.type: database, cache or message-broker. */
  type: string;
}

export interface SystemEnvironment {
  name: string;
  /** The last environment. */
  isProductionTier: boolean;
  /** Argo CD destination server. */
  cluster: string;
  /** The environment's default namespace. */
  namespace: string;
  /** Every namespace a part or resource runs in here, in first-use order. */
  namespaces: string[];
  /** Labels each of those namespaces carries (Pod Security Admission's enforce level). */
  namespaceLabels: Labels;
  /** Every part and resource in this environment, by name. */
  endpoints: Record<string, EndpointPlacement>;
  /** Every declared edge, as it is reached in this environment. */
  edges: EnvironmentEdge[];
}

/** A part or resource in one environment: where it runs and what its NetworkPolicies allow. */
export interface EndpointPlacement {
  name: string;
  role: EndRole;
  /** Its golden path id, or its resource kind. */
  type: string;
  namespace: string;
  /** The Service others connect to, if any (a worker has none others may call). */
  service?: ServiceAddress;
  /** Servers in this environment (resources only). */
  instances?: number;
  /** Exactly what may connect to it, from the edges ending here. */
  ingress: NetworkRule[];
  /** Exactly what it may connect to, from the edges starting here. */
  egress: NetworkRule[];
}

export interface ServiceAddress {
  name: string;
  namespace: string;
  /** `<service>.<namespace>.svc.cluster.local`: never a short name, which resolves only inside the same namespace. */
  fqdn: string;
  port: number;
  portName?: string;
  /** The pods' port behind the Service port, which NetworkPolicies name. */
  targetPort: number;
}

/** One NetworkPolicy rule an edge asks of one end; the other end has the mirror rule. */
export interface NetworkRule {
  edge: EdgeId;
  /** This end's pods the rule selects (podSelector). */
  pods: Labels;
  /** The other end: its namespace (namespaceSelector on kubernetes.io/metadata.name) and pods (podSelector). */
  peer: { name: string; role: EndRole; namespace: string; podLabels: Labels };
  /** The destination pods' ports (the callee's, on both ends). */
  ports: Array<{ port: number; protocol: 'TCP' }>;
}

/** One declared edge in one environment. */
export interface EnvironmentEdge {
  id: EdgeId;
  kind: EdgeKind;
  from: string;
  to: string;
  /** The callee's or resource's Service, fully qualified. */
  address: { fqdn: string; namespace: string; port: number; targetPort: number; url: string };
  /** calls from a part configured by environment variables: the variable holding `address.url`. */
  env?: string;
  /** calls from a part that proxies path prefixes: the prefix it sends to the callee. */
  pathPrefix?: string;
  /** publishes/consumes: the queue (RabbitMQ queue, Redis stream, NATS stream) and, for nats, the subject. */
  queue?: string;
  subject?: string;
  /** uses/publishes/consumes: the Secret the client's pods read the connection from, made in the cluster. */
  credentials?: { secret: string; namespace: string; keys: string[]; madeBy: string };
}

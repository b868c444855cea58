import { promises as fs } from 'fs';
import path from 'path';
import type Handlebars from 'handlebars';
import { parseAllDocuments } from 'yaml';
import { compileSkeletonFile, createSkeletonHandlebars } from '../../plugins/slipway-render/src/handlebars';
import { registerPartialLayers } from '../../plugins/slipway-render/src/renderer';
import { builtInPartialLayers } from '@slipway/skeletons';
import type { RenderedFile } from '@slipway/render';

/**
 * The backing-service partials (skeletons/_backing-services) rendered the way a skeleton file
 * would render them: in the renderer's own Handlebars environment (strict, no escaping, its
 * helpers), each partial registered as `backing/<service>/<part>` (`backing/labels` for the
 * shared one). Contexts follow the tables in skeletons/_backing-services/README.md.
 */

export const BACKING_SERVICES_DIR = path.resolve(__dirname, '../../skeletons/_backing-services');
export const BACKING_SERVICE_KINDS = ['postgres', 'rabbitmq', 'nats', 'redis'] as const;
export type BackingServiceKind = (typeof BACKING_SERVICE_KINDS)[number];

export type Labels = Record<string, string>;

export interface Client {
  name: string;
  podLabels: Labels;
  namespace: string;
  /** RabbitMQ: the user's regular expressions in vhost /. */
  permissions?: { configure: string; write: string; read: string } | { publish: string[]; subscribe: string[] };
  /** Redis: the ACL rules of the client's user. */
  acl?: string;
  /** NATS and Redis: where its password is in the store. */
  passwordKey?: string;
}

export interface Peer {
  namespace: string;
  podLabels: Labels;
}

export interface BackingServiceContext {
  service: { name: string };
  namespace: string;
  labels: Labels;
  instances: number;
  storage: { size: string; className?: string };
  resources: { cpu: string; memory: string };
  clients: Client[];
  monitoring: { namespace: string; podLabels: Labels; monitorLabels: Labels };
  [extra: string]: unknown;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: unknown;
}

/**
 * The renderer's own Handlebars environment with the partial layers every built-in golden path
 * renders with (`backing/…` from skeletons/_backing-services, `shared/…`), registered by the
 * renderer's registerPartialLayers: what a skeleton file's `{{> backing/<service>/<part>}}` gets.
 */
export async function createBackingServicesHandlebars(): Promise<typeof Handlebars> {
  const hb = createSkeletonHandlebars();
  await registerPartialLayers(hb, builtInPartialLayers());
  return hb;
}

/** The partial names of one backing service (`backing/rabbitmq/cluster`, ...). */
export async function partialsOf(kind: BackingServiceKind): Promise<string[]> {
  const files = await fs.readdir(path.join(BACKING_SERVICES_DIR, kind));
  return files.filter(file => file.endsWith('.hbs')).map(file => `backing/${kind}/${file.slice(0, -'.hbs'.length)}`).sort();
}

/** Renders a service-side partial with the service's context, as `{{> name backing}}` in a skeleton file. */
export function renderServicePartial(hb: typeof Handlebars, name: string, context: BackingServiceContext): string {
  return compileSkeletonFile(hb, `{{> ${name} backing}}`, `${name}.hbs`)({ backing: context });
}

/** Renders a client-side partial, as `{{> name backing client=client}}` in a skeleton file. */
export function renderClientPartial(hb: typeof Handlebars, name: string, context: BackingServiceContext, client: Client): string {
  return compileSkeletonFile(hb, `{{> ${name} backing client=client}}`, `${name}.hbs`)({ backing: context, client });
}

/** Every YAML document of a rendered partial; a syntax error (or a duplicate key) throws. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).map(document => {
    if (document.errors.length > 0) throw new Error(`${document.errors[0].message}\n${text}`);
    return document.toJS() as K8sObject;
  }).filter(object => object !== null);
}

// ---------------------------------------------------------------------------------------------
// contexts: a bookstore-like shop in staging, with 1 or 3 instances and one or two clients

const SHOP_LABELS: Labels = {
  'app.kubernetes.io/part-of': 'shop',
  'app.kubernetes.io/managed-by': 'slipway',
  'backstage.io/kubernetes-id': 'shop',
};
export const SHOP_NAMESPACE = 'shop-staging';

const MONITORING = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'prometheus' },
  monitorLabels: { release: 'kube-prometheus-stack' },
};

function clientNamed(name: string, component: string, namespace = SHOP_NAMESPACE): Client {
  return { name, namespace, podLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component } };
}

/** Permissions/ACLs of the node-worker (skeletons/node-worker/README.md, "For the deploy side") for queue `orders`. */
function withAccess(kind: BackingServiceKind, client: Client): Client {
  if (kind === 'rabbitmq') {
    return { ...client, permissions: { configure: '^orders(\\.retry\\.[0-9]+|\\.dead)?$', write: '^(orders(\\.retry\\.[0-9]+|\\.dead)?|amq\\.default)$', read: '^orders(\\.retry\\.[0-9]+|\\.dead)?$' } };
  }
  if (kind === 'nats') {
    return { ...client, permissions: { publish: ['orders', 'orders-dead', '$JS.API.>', '$JS.ACK.orders.>'], subscribe: ['_INBOX.>'] } };
  }
  if (kind === 'redis') {
    return { ...client, acl: '~orders ~orders:* +@stream +@sortedset +@transaction +@scripting +client +ping +info' };
  }
  return client;
}

export interface ContextOptions {
  instances: 1 | 3;
  /** Client names; each gets pod labels app.kubernetes.io/name=<name>. */
  clients: string[];
  /** Put the second client in another namespace. */
  crossNamespace?: boolean;
  keda?: boolean;
}

export function backingServiceContext(kind: BackingServiceKind, options: ContextOptions): BackingServiceContext {
  const clients = options.clients.map((name, index) =>
    withAccess(kind, clientNamed(name, index === 0 ? 'worker' : 'server', options.crossNamespace && index > 0 ? 'shop-jobs' : SHOP_NAMESPACE)));
  const name = { postgres: 'orders-db', rabbitmq: 'orders-mq', nats: 'orders-nats', redis: 'orders-cache' }[kind];
  const common: BackingServiceContext = {
    service: { name },
    namespace: SHOP_NAMESPACE,
    labels: SHOP_LABELS,
    instances: options.instances,
    storage: { size: '8Gi' },
    resources: { cpu: '500m', memory: '1Gi' },
    clients,
    monitoring: MONITORING,
  };
  const keda = options.keda ? { keda: { namespace: 'keda', podLabels: { app: 'keda-operator' } } } : {};
  switch (kind) {
    case 'postgres':
      return { ...common, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.6', operator: { namespace: 'cnpg-system', podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } };
    case 'rabbitmq':
      return { ...common, ...keda, image: 'rabbitmq:4.2.6-management', operator: { namespace: 'rabbitmq-system', podLabels: {} } };
    case 'nats':
    case 'redis':
      return {
        ...common,
        ...keda,
        ...(kind === 'redis' ? { replicas: options.instances - 1 } : {}),
        // Where each user's password is in the store (the server's credentials partial reads it).
        clients: clients.map(client => ({ ...client, passwordKey: `shop/staging/${name}/${client.name}` })),
        application: { name: `shop-staging-${name}` },
        dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, ipBlocks: ['169.254.20.10/32'] },
        argocd: { namespace: 'argocd', project: 'default' },
        destination: { server: 'https://kubernetes.default.svc' },
        secretStore: { kind: 'ClusterSecretStore', name: 'platform-vault', keyPrefix: `shop/staging/${name}` },
      };
  }
}

// ---------------------------------------------------------------------------------------------
// the partials of one service, placed as a skeleton would place them

/** Service-side partials that go in the environment's overlay, and the chart Application (deploy/argocd). */
export async function renderBackingService(hb: typeof Handlebars, kind: BackingServiceKind, context: BackingServiceContext): Promise<{ overlay: Map<string, string>; application?: string }> {
  const overlay = new Map<string, string>();
  let application: string | undefined;
  for (const name of await partialsOf(kind)) {
    const part = name.split('/').pop()!;
    if (part.startsWith('client-')) continue;
    const text = renderServicePartial(hb, name, context);
    if (part === 'application') application = text;
    else overlay.set(`${context.service.name}-${part}.yaml`, text);
  }
  for (const client of context.clients) {
    for (const name of await partialsOf(kind)) {
      const part = name.split('/').pop()!;
      if (!part.startsWith('client-') || part === 'client-env') continue;
      overlay.set(`${context.service.name}-${client.name}-${part.slice('client-'.length)}.yaml`, renderClientPartial(hb, name, context, client));
    }
  }
  return { overlay, application };
}

// ---------------------------------------------------------------------------------------------
// a small repo around them, to run the whole validator on

const DIGEST = `sha256:${'4f'.repeat(32)}`;

/** A client as Slipway generates them: restricted, probed, default-deny, connected through the client-env partial. */
const CLIENT_WORKLOAD = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{client.name}}
  labels:
    {{> backing/labels backing}}
    app.kubernetes.io/name: {{client.name}}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{client.name}}
  labels:
    {{> backing/labels backing}}
    app.kubernetes.io/name: {{client.name}}
spec:
  replicas: 1
  selector:
    matchLabels:
{{#each client.podLabels}}
      {{@key}}: {{yaml this}}
{{/each}}
  template:
    metadata:
      labels:
        {{> backing/labels backing}}
{{#each client.podLabels}}
        {{@key}}: {{yaml this}}
{{/each}}
    spec:
      serviceAccountName: {{client.name}}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{client.name}}
          image: ghcr.io/acme/{{client.name}}@${DIGEST}
          ports:
            - name: metrics
              containerPort: 9464
          env:
            {{> (concat "backing/" kind "/client-env") backing client=client}}
          readinessProbe:
            httpGet:
              path: /healthz
              port: metrics
          livenessProbe:
            httpGet:
              path: /livez
              port: metrics
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop:
                - ALL
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{client.name}}-default-deny
  labels:
    {{> backing/labels backing}}
    app.kubernetes.io/name: {{client.name}}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {{client.name}}
  policyTypes:
    - Ingress
    - Egress
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{client.name}}-allow-dns
  labels:
    {{> backing/labels backing}}
    app.kubernetes.io/name: {{client.name}}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {{client.name}}
  policyTypes:
    - Egress
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
`;

const ENVIRONMENT_APPLICATION = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop-staging
  namespace: argocd
  labels:
    {{> backing/labels}}
    app.kubernetes.io/name: shop
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
  source:
    repoURL: https://github.com/acme/shop.git
    targetRevision: main
    path: deploy/overlays/staging
  destination:
    server: https://kubernetes.default.svc
    namespace: {{namespace}}
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
    managedNamespaceMetadata:
      labels:
        pod-security.kubernetes.io/enforce: restricted
`;

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations:
    backstage.io/kubernetes-id: shop
    argocd/app-selector: app.kubernetes.io/part-of=shop
spec:
  type: service
  owner: team-shop
  lifecycle: production
`;

const yamlList = (items: string[]) => items.map(item => `  - ${item}`).join('\n');

/**
 * A repo holding one backing service and its clients, laid out as a Slipway repo is: the
 * clients in deploy/base, the service's and the clients' partials in the staging overlay
 * (they name the environment's namespace), a chart's Application in deploy/argocd.
 */
export async function backingServiceRepo(hb: typeof Handlebars, kind: BackingServiceKind, context: BackingServiceContext): Promise<RenderedFile[]> {
  const file = (filePath: string, content: string): RenderedFile => ({ path: filePath, content, executable: false });
  const { overlay, application } = await renderBackingService(hb, kind, context);
  const clients = context.clients.map(client => compileSkeletonFile(hb, CLIENT_WORKLOAD, 'client.yaml')({ backing: context, client, kind }));
  const argocd = ['staging.yaml', ...(application ? [`staging-${context.service.name}.yaml`] : [])];
  return [
    file('catalog-info.yaml', CATALOG),
    file('deploy/argocd/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${yamlList(argocd)}\n`),
    file('deploy/argocd/staging.yaml', compileSkeletonFile(hb, ENVIRONMENT_APPLICATION, 'staging.yaml')(context)),
    ...(application ? [file(`deploy/argocd/staging-${context.service.name}.yaml`, application)] : []),
    file('deploy/base/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - clients.yaml\n`),
    file('deploy/base/clients.yaml', clients.join('---\n')),
    file('deploy/overlays/staging/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${context.namespace}\nresources:\n${yamlList(['../../base', ...overlay.keys()])}\n`),
    ...[...overlay].map(([name, content]) => file(`deploy/overlays/staging/${name}`, content)),
  ];
}

// ---------------------------------------------------------------------------------------------
// the pods a backing service runs, as its operator or chart labels them

/**
 * Chart pods' labels, from the charts' templates: nats `nats.selectorLabels`
 * (app.kubernetes.io/name nats, instance = release, component nats) plus global.labels;
 * valkey `valkey.selectorLabels` (name valkey, instance = release) plus commonLabels. Read from
 * the rendered Application, so a renamed release shows here.
 */
export function chartPodLabels(kind: 'nats' | 'redis', application: K8sObject): Labels {
  const helm = application.spec.source.helm;
  const values = helm.valuesObject;
  return kind === 'nats'
    ? { ...values.global.labels, 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': helm.releaseName, 'app.kubernetes.io/component': 'nats' }
    : { ...values.commonLabels, 'app.kubernetes.io/name': 'valkey', 'app.kubernetes.io/instance': helm.releaseName };
}

/**
 * Every Kubernetes name Slipway derives from a service name, by suffix.
 *
 * The service name's maximum length is computed from this table, so adding a
 * longer suffix here automatically tightens the `name` rule instead of
 * producing a name the API server rejects.
 */
export const DERIVED_NAME_SUFFIXES = {
  /** The app-of-apps Application that owns deploy/argocd/ (`<name>-apps`). */
  appsApplication: '-apps',
  canaryService: '-canary',
  stableService: '-stable',
  analysisTemplate: '-canary-analysis',
  migrationJob: '-migrate',
  databaseCluster: '-db',
  /** CloudNativePG ScheduledBackup of the cluster. */
  databaseBackup: '-db-backup',
  /** Default Secret with the object store credentials for backups (created outside Git). */
  databaseBackupCredentials: '-db-backup-creds',
  /** CloudNativePG derives `<cluster>-replication` (and -app, -rw, …) from the cluster name. */
  databaseReplicationSecret: '-db-replication',
  defaultDenyPolicy: '-default-deny',
  gatewayIngressPolicy: '-allow-gateway',
  prometheusIngressPolicy: '-allow-prometheus',
  dnsEgressPolicy: '-allow-dns',
  /** The allows to and from a system's other parts, one policy per direction (skeletons/_shared/networkpolicy-peers.hbs). */
  peersIngressPolicy: '-peers-ingress',
  peersEgressPolicy: '-peers-egress',
  /** The HTTPRoute on the Gateway's plain-HTTP listener that redirects each host to HTTPS. */
  httpsRedirectRoute: '-https-redirect',
  databaseEgressPolicy: '-allow-db',
  databaseIngressPolicy: '-db-allow-app',
  /** The generated ConfigMap of config.env (kustomize appends a hash of the content). */
  configEnvMap: '-env',
  /** The generated ConfigMap of config.files, mounted at config.mountPath. */
  configFilesMap: '-files',
} as const;

/** Kubernetes' limit for DNS-1123 labels, label values and most object names. */
export const DNS1123_LABEL_MAX = 63;

const LONGEST_SUFFIX = Math.max(
  ...Object.values(DERIVED_NAME_SUFFIXES).map(suffix => suffix.length),
);

/** The longest service name whose every derived name still fits in 63 characters. */
export const MAX_SERVICE_NAME_LENGTH = DNS1123_LABEL_MAX - LONGEST_SUFFIX;

/**
 * The longest environment name: `-<environment>` is never longer than the longest suffix
 * above, so `<name>-<environment>` (the environment's Argo CD Application and default
 * namespace) fits in 63 characters for every service name the spec accepts.
 */
export const MAX_ENVIRONMENT_NAME_LENGTH = LONGEST_SUFFIX - 1;

/** `<name>-<environment>`: the environment's Argo CD Application and its default namespace. */
export function environmentObjectName(serviceName: string, environment: string): string {
  return `${serviceName}-${environment}`;
}

export type DerivedNames = { [K in keyof typeof DERIVED_NAME_SUFFIXES]: string };

/** All names derived from a service name, e.g. for templates and cross-reference checks. */
export function deriveNames(serviceName: string): DerivedNames {
  const names = {} as Record<string, string>;
  for (const [key, suffix] of Object.entries(DERIVED_NAME_SUFFIXES)) {
    names[key] = `${serviceName}${suffix}`;
  }
  return names as DerivedNames;
}

/** DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A fully qualified host name: two or more dot-separated DNS-1123 labels (length checked apart). */
export const DNS_HOST_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$';

/**
 * Free text (a description): anything but control characters, except tab and line breaks.
 * A NUL byte would otherwise pass the form and the spec and fail much later in `git commit`
 * (which refuses it in a commit message) without naming the field; ESC and BEL would reach
 * terminals that print the catalog or the repo.
 */
export const FREE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

/** Kubernetes' limit for a DNS-1123 subdomain such as a host name. */
export const DNS1123_SUBDOMAIN_MAX = 253;

/**
 * JSON schema for CloudNativePG's `postgresql.cnpg.io/v1` `Cluster`, which has no npm model.
 *
 * This is a HAND-KEPT SUBSET of the upstream CRD (cloudnative-pg
 * `config/crd/bases/postgresql.cnpg.io_clusters.yaml`, 1.2x series): it types the fields a
 * Slipway service uses and leaves the rest open. Where an object below sets
 * `additionalProperties: false`, its property list is meant to be upstream's complete list, so an
 * unknown key there is a typo; keep those lists in step when upgrading CloudNativePG.
 *
 * Deliberately stricter than upstream: `storage.size` is required (upstream also accepts a bare
 * `pvcTemplate`) and `bootstrap.initdb` needs both `database` and `owner` (upstream defaults them
 * to `app`), because a Slipway repo always states them.
 */

const quantity = {
  type: 'string',
  // Kubernetes resource.Quantity: a number with an optional binary, decimal or exponent suffix.
  pattern: '^[+-]?(\\d+|\\d+\\.\\d*|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?$',
};

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const quantityMap = { type: 'object', additionalProperties: { anyOf: [quantity, { type: 'integer' }] } };
const secretKeyRef = { type: 'object', required: ['name', 'key'], properties: { name: { type: 'string' }, key: { type: 'string' } } };
const localRef = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
const nonNegativeInt = { type: 'integer', minimum: 0 };

const storageConfiguration = {
  type: 'object',
  required: ['size'],
  additionalProperties: false,
  properties: {
    size: quantity,
    storageClass: { type: 'string' },
    resizeInUseVolumes: { type: 'boolean' },
    pvcTemplate: { type: 'object' },
  },
};

/** A Secret key reference: name and key both required (upstream SecretKeySelector). */
const secretKeySelector = { type: 'object', required: ['name', 'key'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } } };

/**
 * `spec.backup` (BackupConfiguration) and its `barmanObjectStore` (BarmanObjectStoreConfiguration),
 * typed for the S3 form Slipway writes; the other stores (azureCredentials, googleCredentials) are
 * accepted untyped. Credentials are Secret references only: the CRD has no field for a literal key.
 */
const backupConfiguration = {
  type: 'object',
  additionalProperties: false,
  properties: {
    retentionPolicy: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
    target: { enum: ['primary', 'prefer-standby'] },
    volumeSnapshot: { type: 'object' },
    barmanObjectStore: {
      type: 'object',
      required: ['destinationPath'],
      additionalProperties: false,
      properties: {
        destinationPath: { type: 'string', minLength: 1 },
        endpointURL: { type: 'string' },
        endpointCA: secretKeySelector,
        serverName: { type: 'string' },
        s3Credentials: {
          type: 'object',
          additionalProperties: false,
          properties: {
            accessKeyId: secretKeySelector,
            secretAccessKey: secretKeySelector,
            region: secretKeySelector,
            sessionToken: secretKeySelector,
            inheritFromIAMRole: { type: 'boolean' },
          },
        },
        azureCredentials: { type: 'object' },
        googleCredentials: { type: 'object' },
        wal: { type: 'object', properties: { compression: { enum: ['gzip', 'bzip2', 'snappy', 'lz4', 'xz', 'zstd'] }, encryption: { type: 'string' }, maxParallel: { type: 'integer', minimum: 1 } } },
        data: { type: 'object' },
        tags: stringMap,
        historyTags: stringMap,
      },
    },
  },
};

/** `postgresql.cnpg.io/v1` `ScheduledBackup` (upstream ScheduledBackupSpec, complete field list). */
export const cnpgScheduledBackupSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'postgresql.cnpg.io/v1' },
    kind: { const: 'ScheduledBackup' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap } },
    spec: {
      type: 'object',
      required: ['schedule', 'cluster'],
      additionalProperties: false,
      properties: {
        // Six fields, seconds first (robfig/cron with seconds).
        schedule: { type: 'string', pattern: '^\\S+(\\s+\\S+){5}$' },
        cluster: localRef,
        suspend: { type: 'boolean' },
        immediate: { type: 'boolean' },
        backupOwnerReference: { enum: ['none', 'self', 'cluster'] },
        target: { enum: ['primary', 'prefer-standby'] },
        method: { enum: ['barmanObjectStore', 'volumeSnapshot', 'plugin'] },
        pluginConfiguration: { type: 'object' },
        online: { type: 'boolean' },
        onlineConfiguration: { type: 'object' },
      },
    },
  },
};

/** Every top-level `spec` field of the upstream Cluster CRD, most of them left untyped here. */
const otherSpecFields = [
  'certificates', 'env', 'envFrom', 'ephemeralVolumeSource', 'ephemeralVolumesSizeLimit',
  'externalClusters', 'imageCatalogRef', 'imagePullSecrets', 'inheritedMetadata', 'livenessProbeTimeout',
  'managed', 'nodeMaintenanceWindow', 'plugins', 'podSecurityContext', 'postgresGID', 'postgresUID',
  'probes', 'projectedVolumeTemplate', 'replica', 'replicationSlots', 'schedulerName', 'seccompProfile',
  'securityContext', 'serviceAccountName', 'serviceAccountTemplate', 'tablespaces', 'topologySpreadConstraints',
];

export const cnpgClusterSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'postgresql.cnpg.io/v1' },
    kind: { const: 'Cluster' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
        namespace: { type: 'string' },
        labels: stringMap,
        annotations: stringMap,
      },
    },
    spec: {
      type: 'object',
      required: ['instances', 'storage'],
      additionalProperties: false,
      properties: {
        ...Object.fromEntries(otherSpecFields.map(field => [field, {}])),
        description: { type: 'string' },
        instances: { type: 'integer', minimum: 1 },
        imageName: { type: 'string', minLength: 1 },
        imagePullPolicy: { enum: ['Always', 'Never', 'IfNotPresent'] },
        primaryUpdateStrategy: { enum: ['unsupervised', 'supervised'] },
        primaryUpdateMethod: { enum: ['switchover', 'restart'] },
        logLevel: { enum: ['error', 'warning', 'info', 'debug', 'trace'] },
        minSyncReplicas: nonNegativeInt,
        maxSyncReplicas: nonNegativeInt,
        startDelay: nonNegativeInt,
        stopDelay: nonNegativeInt,
        smartShutdownTimeout: nonNegativeInt,
        switchoverDelay: nonNegativeInt,
        failoverDelay: nonNegativeInt,
        enablePDB: { type: 'boolean' },
        enableSuperuserAccess: { type: 'boolean' },
        superuserSecret: localRef,
        priorityClassName: { type: 'string' },
        storage: storageConfiguration,
        backup: backupConfiguration,
        walStorage: storageConfiguration,
        resources: {
          type: 'object',
          additionalProperties: false,
          properties: { limits: quantityMap, requests: quantityMap, claims: { type: 'array' } },
        },
        postgresql: {
          type: 'object',
          properties: {
            parameters: stringMap,
            pg_hba: { type: 'array', items: { type: 'string' } },
            pg_ident: { type: 'array', items: { type: 'string' } },
            shared_preload_libraries: { type: 'array', items: { type: 'string' } },
          },
        },
        bootstrap: {
          type: 'object',
          additionalProperties: false,
          properties: {
            initdb: {
              type: 'object',
              required: ['database', 'owner'],
              properties: {
                database: { type: 'string', minLength: 1 },
                owner: { type: 'string', minLength: 1 },
                secret: localRef,
                encoding: { type: 'string' },
                localeCollate: { type: 'string' },
                localeCType: { type: 'string' },
                dataChecksums: { type: 'boolean' },
                postInitSQL: { type: 'array', items: { type: 'string' } },
                postInitApplicationSQL: { type: 'array', items: { type: 'string' } },
              },
            },
            recovery: { type: 'object' },
            pg_basebackup: { type: 'object' },
          },
        },
        monitoring: {
          type: 'object',
          properties: {
            enablePodMonitor: { type: 'boolean' },
            disableDefaultQueries: { type: 'boolean' },
            customQueriesConfigMap: { type: 'array', items: secretKeyRef },
            customQueriesSecret: { type: 'array', items: secretKeyRef },
            podMonitorMetricRelabelings: { type: 'array', items: { type: 'object' } },
            podMonitorRelabelings: { type: 'array', items: { type: 'object' } },
            tls: { type: 'object', properties: { enabled: { type: 'boolean' } } },
          },
        },
        affinity: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enablePodAntiAffinity: { type: 'boolean' },
            podAntiAffinityType: { enum: ['preferred', 'required'] },
            topologyKey: { type: 'string' },
            nodeSelector: stringMap,
            nodeAffinity: { type: 'object' },
            tolerations: { type: 'array', items: { type: 'object' } },
            additionalPodAffinity: { type: 'object' },
            additionalPodAntiAffinity: { type: 'object' },
          },
        },
      },
    },
  },
};

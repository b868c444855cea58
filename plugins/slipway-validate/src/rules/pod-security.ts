import { defineRules } from './types';

const RESTRICTED = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted';
const BASELINE = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline';

/**
 * The "restricted" Pod Security Standard on every container (init containers included, as the
 * admission controller checks them), so a namespace enforcing it admits every pod.
 */
export const podSecurityRules = defineRules([
  {
    id: 'pod-run-as-non-root',
    check: 'policy',
    summary: 'Every container runs as non-root: runAsNonRoot is true and runAsUser is not 0 (container or pod securityContext), as restricted Pod Security requires.',
    remediation: 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or the container, and build the image to run as a non-root user.',
    source: RESTRICTED,
  },
  {
    id: 'pod-privilege-escalation',
    check: 'policy',
    summary: 'Every container sets allowPrivilegeEscalation: false, as restricted Pod Security requires.',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false on each container.',
    source: RESTRICTED,
  },
  {
    id: 'pod-capabilities',
    check: 'policy',
    summary: 'Every container drops ALL capabilities and adds none but NET_BIND_SERVICE, as restricted Pod Security requires.',
    remediation: 'Set securityContext.capabilities.drop: [ALL] and remove other entries from capabilities.add.',
    source: RESTRICTED,
  },
  {
    id: 'pod-seccomp-profile',
    check: 'policy',
    summary: 'Every container runs with the RuntimeDefault or a Localhost seccomp profile, as restricted Pod Security requires.',
    remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or each container).',
    source: RESTRICTED,
  },
  {
    id: 'pod-read-only-root-filesystem',
    check: 'policy',
    summary: 'Every container has a read-only root filesystem, so a compromised process cannot change the image it runs.',
    remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process must write (e.g. /tmp).',
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  },
  {
    id: 'pod-privileged',
    check: 'policy',
    summary: 'No container is privileged: every Pod Security level but privileged forbids it.',
    remediation: 'Remove securityContext.privileged: true; grant the one capability the process needs instead, if any.',
    source: BASELINE,
  },
  {
    id: 'pod-host-namespaces',
    check: 'policy',
    summary: 'No pod shares the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC): Pod Security forbids it from the baseline level up.',
    remediation: 'Remove hostNetwork/hostPID/hostIPC: true; expose ports through a Service instead.',
    source: BASELINE,
  },
  {
    id: 'pod-host-path',
    check: 'policy',
    summary: 'No pod mounts a hostPath volume: Pod Security forbids node paths from the baseline level up.',
    remediation: 'Use an emptyDir, a ConfigMap/Secret volume or a PersistentVolumeClaim instead of hostPath.',
    source: BASELINE,
  },
  {
    id: 'pod-service-account-token',
    check: 'policy',
    summary: 'Pods do not mount a ServiceAccount API token they do not need: a stolen token is a foothold in the cluster.',
    remediation: 'Set automountServiceAccountToken: false on the pod or on its ServiceAccount (in the repo); opt in only for pods that call the API.',
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  },
]);

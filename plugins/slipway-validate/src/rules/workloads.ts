import { defineRules } from './types';

/** How workloads run: resources, probes, disruption budgets, volumes and images. */
export const workloadRules = defineRules([
  {
    id: 'container-resources',
    check: 'policy',
    summary: 'Every container sets cpu and memory requests and limits: without requests the scheduler and the HPA are blind, without limits one pod can starve a node.',
    remediation: 'Set resources.requests.cpu/memory and resources.limits.cpu/memory on each container (init containers included).',
    source: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  },
  {
    id: 'container-probes',
    check: 'policy',
    summary: 'Every long-running container has a readiness and a liveness probe: without readiness a pod that never became ready still gets traffic (a canary included).',
    remediation: 'Add readinessProbe and livenessProbe (e.g. httpGet on the service\'s health endpoints) to each app container of Rollouts, Deployments, StatefulSets and DaemonSets.',
    source: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
  },
  {
    id: 'workload-pdb',
    check: 'policy',
    summary: 'A workload that runs at least two replicas has a PodDisruptionBudget selecting its pods, or a node drain may evict them all at once.',
    remediation: 'Add a PodDisruptionBudget (maxUnavailable: 1, or minAvailable below the replica count) whose selector matches the pod template labels.',
    source: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  },
  {
    id: 'pvc-rwo-shared',
    check: 'policy',
    summary: 'A ReadWriteOnce (or ReadWriteOncePod) claim is not mounted by a workload that can run more than one pod: the volume attaches to one node, so the second pod cannot start.',
    remediation: 'Use a ReadWriteMany claim, per-replica volumes (StatefulSet volumeClaimTemplates), or one replica without an HPA.',
    source: 'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes',
  },
  {
    id: 'image-latest',
    check: 'policy',
    summary: 'No container image uses the :latest tag, which moves under you: two pods of one release can run different code.',
    remediation: 'Pin a tag a build made (sha-<commit>, v<semver>) or a digest.',
    source: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  },
  {
    id: 'image-untagged',
    check: 'policy',
    summary: 'Every container of a built overlay names an image with a tag or digest: an untagged image resolves to :latest, an image no build made.',
    remediation: 'Set the tag CI pushes (sha-<commit>) in the overlay\'s images:, or hold the environment\'s Argo CD Application back with spec.syncPolicy.automated.enabled: false until CI\'s first build.',
    source: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  },
  {
    id: 'image-unpinned',
    check: 'policy',
    summary: 'The service\'s own image is deployed by a tag CI pushes (sha-<7..40 hex> or v<semver>) or by digest, so every environment runs bytes a build made.',
    remediation: 'Deploy the tag or digest CI pushed (kustomize edit set image in the overlay), not a hand-made tag.',
  },
]);

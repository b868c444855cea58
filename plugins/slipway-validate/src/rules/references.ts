import { defineRules } from './types';

const ANALYSIS = 'https://argo-rollouts.readthedocs.io/en/stable/features/analysis/';
const GATEWAY_PLUGIN = 'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi README (the plugin sets the weights of the canary and stable backendRefs of the named HTTPRoute)';

/**
 * Cross-references: every name or selector one object uses to find another resolves within
 * the same deployed set (one built overlay, or the raw base without kustomize).
 */
export const referenceRules = defineRules([
  {
    id: 'service-selector',
    check: 'reference',
    summary: 'Every Service with a selector matches the pod template labels of some workload (or operator-made pods): otherwise it has no endpoints and every request to it fails.',
    remediation: 'Make spec.selector a subset of the pod template labels of the workload it fronts.',
    source: 'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
  },
  {
    id: 'service-target-port',
    check: 'reference',
    summary: 'A Service\'s named targetPort is the name of a container port of the pods it selects: otherwise the endpoints have no port and traffic is dropped.',
    remediation: 'Use the containerPort name declared in the pod template (or its number).',
    source: 'https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports',
  },
  {
    id: 'hpa-target-exists',
    check: 'reference',
    summary: 'Every HorizontalPodAutoscaler\'s scaleTargetRef, and a KEDA ScaledObject\'s (which becomes the HPA keda-hpa-<name>; apps/v1 Deployment unless it says otherwise), names a deployed object (apiVersion, kind and name): otherwise it scales nothing.',
    remediation: 'Point spec.scaleTargetRef at the Rollout or Deployment (apiVersion argoproj.io/v1alpha1, kind Rollout for a canary; a ScaledObject needs apiVersion and kind for anything but a Deployment).',
    source: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
  },
  {
    id: 'hpa-min-max',
    check: 'reference',
    summary: 'Every HorizontalPodAutoscaler sets maxReplicas, not below minReplicas.',
    remediation: 'Set spec.maxReplicas to at least spec.minReplicas.',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/',
  },
  {
    id: 'rollout-analysis-template',
    check: 'reference',
    summary: 'Every AnalysisTemplate (or ClusterAnalysisTemplate, with clusterScope) a Rollout names exists: otherwise the analysis run fails and the rollout aborts.',
    remediation: 'Fix templateName, add the template to the overlay, or set clusterScope: true for a ClusterAnalysisTemplate.',
    source: ANALYSIS,
  },
  {
    id: 'rollout-analysis-args',
    check: 'reference',
    summary: 'A Rollout passes every argument its AnalysisTemplates declare without a value: otherwise the analysis run cannot start.',
    remediation: 'Add the argument under the analysis block\'s args (value or valueFrom), or give it a default in the template.',
    source: `${ANALYSIS}#analysis-template-arguments`,
  },
  {
    id: 'rollout-services',
    check: 'reference',
    summary: 'A canary Rollout\'s canaryService and stableService exist: Argo Rollouts rewrites their selectors and stalls without them.',
    remediation: 'Add the Services, or fix the names in spec.strategy.canary.',
    source: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/',
  },
  {
    id: 'rollout-httproute',
    check: 'reference',
    summary: 'Every HTTPRoute the Gateway API traffic-router plugin is told to manage exists: otherwise traffic cannot be shifted and the rollout degrades.',
    remediation: 'Fix the route name under trafficRouting.plugins["argoproj-labs/gatewayAPI"], or add the HTTPRoute.',
    source: GATEWAY_PLUGIN,
  },
  {
    id: 'rollout-httproute-backends',
    check: 'reference',
    summary: 'The managed HTTPRoute has a rule whose backendRefs name both the canary and the stable Service, the weights the plugin sets.',
    remediation: 'List both Services (canaryService and stableService) in the backendRefs of one rule.',
    source: GATEWAY_PLUGIN,
  },
  {
    id: 'workload-selector',
    check: 'reference',
    summary: 'Every Rollout, Deployment, StatefulSet and DaemonSet has a selector that matches its own pod template labels: otherwise the controller never sees the pods it creates.',
    remediation: 'Make spec.selector.matchLabels a subset of spec.template.metadata.labels.',
    source: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector',
  },
  {
    id: 'servicemonitor-target',
    check: 'reference',
    summary: 'Every ServiceMonitor selects a Service (in the namespaces it covers) that has each endpoint\'s port name: otherwise Prometheus scrapes nothing and the canary analysis judges an empty series.',
    remediation: 'Match spec.selector to the Service labels and spec.endpoints[].port to a Service port name.',
    source: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor',
  },
  {
    id: 'podmonitor-target',
    check: 'reference',
    summary: 'Every PodMonitor selects pods that declare each endpoint\'s container port name: otherwise Prometheus scrapes nothing.',
    remediation: 'Match spec.selector to the pod template labels and podMetricsEndpoints[].port to a named containerPort.',
    source: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor',
  },
  {
    id: 'httproute-backend-exists',
    check: 'reference',
    summary: 'Every HTTPRoute backendRef (same namespace) names an existing Service and one of its ports: otherwise the Gateway answers that rule with errors.',
    remediation: 'Fix backendRefs[].name and .port to a Service of the overlay and its port (the Service port, not the container port).',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref',
  },
  {
    id: 'pdb-selects-pods',
    check: 'reference',
    summary: 'Every PodDisruptionBudget selects the pods of some workload: otherwise it protects nothing, usually after a label was renamed on one side.',
    remediation: 'Make spec.selector match the pod template labels of the workload it protects.',
    source: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#identify-an-application-to-protect',
  },
  {
    id: 'networkpolicy-selects-pods',
    check: 'reference',
    summary: 'Every NetworkPolicy with a non-empty podSelector selects the pods of some workload (or operator-made pods): otherwise it applies to nothing.',
    remediation: 'Make spec.podSelector match the pod template labels, or use {} for a namespace-wide policy.',
    source: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
  },
  {
    id: 'argocd-source-path',
    check: 'reference',
    summary: 'Every Argo CD Application source path is a directory of this repo with a kustomization: otherwise the Application deploys nothing.',
    remediation: 'Point spec.source.path at deploy/overlays/<environment>.',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/',
  },
  {
    id: 'argocd-destination-namespace',
    check: 'reference',
    summary: 'Every Argo CD Application\'s destination namespace is the namespace its overlay puts objects in.',
    remediation: 'Set spec.destination.namespace to the overlay\'s namespace:, or change the overlay.',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/',
  },
  {
    id: 'env-secret-ref',
    check: 'reference',
    summary: 'Every Secret (and key) a pod reads through env, envFrom or a volume is deployed with it or made by an operator Slipway knows (CloudNativePG, External Secrets, Sealed Secrets): otherwise the pod stays in CreateContainerConfigError.',
    remediation:
      'Fix the Secret name or key, add the ExternalSecret/SealedSecret that makes it, or mark the reference optional. For an operator resource another repo holds ' +
      'in this namespace (a system\'s shared PostgreSQL), name it on an object here: annotation slipway.dev/held-elsewhere: <group>/<Kind>/<name>, e.g. postgresql.cnpg.io/Cluster/bookstore-db.',
    source: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  },
  {
    id: 'env-configmap-ref',
    check: 'reference',
    summary: 'Every ConfigMap (and key) a pod reads through env, envFrom or a volume is deployed with it: otherwise the pod does not start.',
    remediation: 'Fix the ConfigMap name or key, add the ConfigMap, or mark the reference optional.',
    source: 'https://kubernetes.io/docs/concepts/configuration/configmap/#configmaps-and-pods',
  },
  {
    id: 'service-account-exists',
    check: 'reference',
    summary: 'Every ServiceAccount a pod names (other than default) is deployed with it: otherwise the pods are rejected.',
    remediation: 'Add the ServiceAccount to the overlay, or fix serviceAccountName.',
    source: 'https://kubernetes.io/docs/concepts/security/service-accounts/',
  },
]);

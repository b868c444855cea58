import { defineRules } from './types';

const KUBERNETES_PLUGIN = 'https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity';

/** The Backstage entity finds its objects. */
export const catalogRules = defineRules([
  {
    id: 'catalog-component',
    check: 'catalog',
    summary: 'The repo registers a Backstage Component in catalog-info.yaml.',
    remediation: 'Add catalog-info.yaml with a kind: Component entity for the service.',
    source: 'https://backstage.io/docs/features/software-catalog/descriptor-format#kind-component',
  },
  {
    id: 'catalog-required-fields',
    check: 'catalog',
    summary: 'The Component has spec.owner, spec.lifecycle and spec.type, which the catalog requires.',
    remediation: 'Add the missing spec fields named in the message.',
    source: 'https://backstage.io/docs/features/software-catalog/descriptor-format#kind-component',
  },
  {
    id: 'catalog-kubernetes-id',
    check: 'catalog',
    summary: 'The Component carries the backstage.io/kubernetes-id annotation, by which the Kubernetes plugin finds its objects.',
    remediation: 'Add metadata.annotations["backstage.io/kubernetes-id"]: <service name>.',
    source: KUBERNETES_PLUGIN,
  },
  {
    id: 'catalog-object-labels',
    check: 'catalog',
    summary: 'Every deployed object, pod template and operator-run pod (CloudNativePG inheritedMetadata, a RabbitmqCluster\'s pod override) carries backstage.io/kubernetes-id with the value of exactly one Component of catalog-info.yaml, and app.kubernetes.io/name: the Kubernetes tab lists objects by that label and shows nothing without it.',
    remediation: 'Add the labels to the object (kustomize labels with includeTemplates: true covers pod templates; custom resources copy them from the field named in the message), with the id of the Component the object belongs to.',
    source: KUBERNETES_PLUGIN,
  },
  {
    id: 'catalog-component-objects',
    check: 'catalog',
    summary: 'Every Component\'s backstage.io/kubernetes-id (or kubernetes-label-selector) matches some deployed object: otherwise its Kubernetes tab shows nothing, usually because the id was renamed on one side only.',
    remediation: 'Make the annotation the value the Component\'s objects carry in their backstage.io/kubernetes-id label, or label the objects.',
    source: KUBERNETES_PLUGIN,
  },
  {
    id: 'catalog-argocd-selector',
    check: 'catalog',
    summary: 'Each Component\'s argocd/app-selector (or argocd/app-name) matches the Argo CD Applications in deploy/argocd that deploy its objects (all of them when the repo has one Component), so the Argo CD plugin shows them.',
    remediation: 'Set metadata.annotations["argocd/app-selector"] to key=value labels every Application carries, or label the Applications to match.',
    source: 'https://roadie.io/backstage/plugins/argo-cd/',
  },
]);

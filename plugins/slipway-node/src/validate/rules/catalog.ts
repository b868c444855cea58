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
    summary: 'Every deployed object and pod template carries backstage.io/kubernetes-id with the Component\'s value, and app.kubernetes.io/name: the Kubernetes tab lists objects by that label and shows nothing without it.',
    remediation: 'Add the labels to the object (kustomize labels with includeTemplates: true covers pod templates).',
    source: KUBERNETES_PLUGIN,
  },
  {
    id: 'catalog-argocd-selector',
    check: 'catalog',
    summary: 'The Component\'s argocd/app-selector (or argocd/app-name) matches the Argo CD Applications in deploy/argocd, so the Argo CD plugin shows them.',
    remediation: 'Set metadata.annotations["argocd/app-selector"] to key=value labels every Application carries, or label the Applications to match.',
    source: 'https://roadie.io/backstage/plugins/argo-cd/',
  },
]);

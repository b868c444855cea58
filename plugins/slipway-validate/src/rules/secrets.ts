import { defineRules } from './types';

/** Credentials never live in Git. */
export const secretRules = defineRules([
  {
    id: 'secret-in-git',
    check: 'policy',
    summary: 'No Secret with values (data or stringData) and no kustomize secretGenerator is committed to the repo: anyone who can read the repo reads the credential.',
    remediation: 'Use an ExternalSecret, a SealedSecret or an operator-made Secret (e.g. CloudNativePG <cluster>-app), and rotate any credential that was committed.',
    source: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  },
  {
    id: 'env-plaintext-credential',
    check: 'policy',
    summary: 'No container env value or ConfigMap key that names a credential (PASSWORD, TOKEN, SECRET, …_KEY) holds a literal value.',
    remediation: 'Read the credential from a Secret (env[].valueFrom.secretKeyRef) made by an operator, never from the manifest.',
    source: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  },
]);

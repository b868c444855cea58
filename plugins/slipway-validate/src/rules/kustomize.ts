import { defineRules } from './types';

const OFFLINE_SOURCE =
  'kubernetes-sigs/kustomize api/internal/loader/fileloader.go ("A base can be either a remote git repo URL, or a directory specified relative to the current root")';

/** Rules of the overlay builds: each overlay builds, offline, from the repo alone. */
export const kustomizeRules = defineRules([
  {
    id: 'kustomize-build',
    check: 'kustomize',
    summary: 'Every overlay under deploy/overlays builds with kustomize: Argo CD runs the same build and deploys nothing when it fails.',
    remediation: 'Fix the error kustomize printed (a missing resource file, a patch naming no object, a bad field path); run `kubectl kustomize deploy/overlays/<environment>` to retry.',
    source: 'https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/',
  },
  {
    id: 'kustomize-remote-source',
    check: 'kustomize',
    summary: 'No kustomization names a URL, git remote or Helm chart: kustomize would download it during the build, so the result depends on the network and the overlay is not built here.',
    remediation: 'Vendor the remote base or render the chart into the repo, and list the local files as resources.',
    source: OFFLINE_SOURCE,
  },
  {
    id: 'kustomize-source-outside-repo',
    check: 'kustomize',
    summary: 'Every kustomize source (resources, components, patches, generators) stays inside the repo: an absolute path, `../` out of it or a symbolic link leading out reads files the repo does not hold.',
    remediation: 'Copy what the overlay needs into the repo and use relative paths inside it.',
    source: OFFLINE_SOURCE,
  },
  {
    id: 'kustomize-source-missing',
    check: 'kustomize',
    summary: 'Every kustomize source names an existing file or folder of the repo: kustomize would otherwise fail, or try the entry as a git URL.',
    remediation: 'Correct the path, or add the missing file.',
    source: OFFLINE_SOURCE,
  },
  {
    id: 'kustomize-source-unchecked',
    check: 'kustomize',
    summary: 'Every kustomization and plugin config can be read completely, so its sources can be vouched for before the build.',
    remediation: 'Make the file readable YAML, and list plugin config files themselves rather than a folder of them.',
    source: OFFLINE_SOURCE,
  },
]);

import { stringify } from 'yaml';
import type { ResolvedSystem } from '@slipway/common';
import type { RenderedFile } from './files';

/*
 * The config-repo layout (issue 10, seeds 000 and 001): every part's manifests in one repo of the
 * system's, each part's CI bumping its image there. A golden path always renders its manifests
 * under deploy/ (base, overlays, argocd, platform, tests), relative to one another only, so the
 * tree moves as a whole: deploy/<x> of a part becomes apps/<part>/<x> of the config repo
 * (part.deploy.path), and every kustomize path inside it (../../base) still resolves. The
 * Applications already point there: the system gave each part gitops.manifests, which the
 * skeletons' Argo CD Applications and CI read (skeletons/_shared: argocd-*, ci-pin-image).
 *
 * Backing resources stay with the part that holds them (its apps/<part>/base: a node-service's
 * CloudNativePG Cluster, a node-worker's broker), as in the app-repos layout: the golden paths
 * render them inside the holder's kustomization, applied in the holder's sync wave. The system's
 * app-of-apps per environment (appOfApps.ts) are in the config repo's argocd/.
 */

/** The manifests folder every golden path renders: what moves into the config repo. */
export const DEPLOY_DIR = 'deploy';

/** The config repo's catalog-info annotation saying what the repo is (slipway validate reads it). */
export const LAYOUT_ANNOTATION = 'slipway.dev/layout';
export const CONFIG_REPO_LAYOUT = 'config-repo';

/** One system's config repo, rendered in memory. */
export interface RenderedConfigRepo {
  /** Repo (and folder) name: the last segment of its URL, e.g. todo-config. */
  name: string;
  repoUrl: string;
  branch: string;
  files: RenderedFile[];
}

/** `https://host/org/todo-config.git` or `git@host:org/todo-config.git` → `todo-config`. */
export function repoNameOf(repoUrl: string): string {
  return repoUrl.replace(/\/+$/, '').replace(/\.git$/, '').split(/[/:]/).pop() ?? repoUrl;
}

/** Splits a part's files into what stays in its app repo and what its deploy/ holds, re-rooted at `deployPath`. */
export function splitDeployTree(files: readonly RenderedFile[], deployPath: string): { app: RenderedFile[]; manifests: RenderedFile[] } {
  const app: RenderedFile[] = [];
  const manifests: RenderedFile[] = [];
  const prefix = `${DEPLOY_DIR}/`;
  for (const file of files) {
    if (file.path.startsWith(prefix)) manifests.push({ ...file, path: `${deployPath}/${file.path.slice(prefix.length)}` });
    else app.push(file);
  }
  return { app, manifests };
}

function file(path: string, content: string): RenderedFile {
  return { path, content, executable: false };
}

/** The system's Argo CD app-of-apps (appOfApps.ts), which the config repo holds under argocd/, and their README section. */
export interface ConfigRepoArgocd {
  files: readonly RenderedFile[];
  readme: readonly string[];
}

/** The config repo's own files: catalog-info.yaml (what it is, for the catalog and the validator), a README and a .gitignore. */
function configRepoFiles(system: ResolvedSystem, name: string, argocd: ConfigRepoArgocd): RenderedFile[] {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      description: `The GitOps config repo of ${system.name}: every part's manifests, under apps/<part>.`,
      annotations: { [LAYOUT_ANNOTATION]: CONFIG_REPO_LAYOUT },
    },
    spec: { type: 'gitops-repository', owner: system.owner, system: system.name },
  };
  const catalogInfo =
    `# Backstage reads this. ${LAYOUT_ANNOTATION}: ${CONFIG_REPO_LAYOUT} tells slipway validate to check each\n` +
    '# apps/<part> the way it checks an app repo\'s deploy/.\n' +
    stringify(entity, { lineWidth: 0 });
  const parts = system.parts.map(part => `- \`${part.deploy.path}/\`: ${part.name} (${part.goldenPath}), built from ${part.repo.url}`);
  const readme = [
    `# ${name}`,
    '',
    `The manifests of every part of ${system.name}. Argo CD syncs each part's environments from`,
    '`apps/<part>/overlays/<environment>`; each part\'s own repo holds its code and CI, and its CI bumps the',
    "image here: a commit to this branch for the environments before the last, a pull request for the",
    'production tier.',
    '',
    ...parts,
    '',
    ...argocd.readme,
    'The parts\' CI pushes here with a GitHub App installation token: install an App with contents (and pull',
    'requests) write on this repo only, and give each part\'s repo the variable `SLIPWAY_CONFIG_REPO_APP_CLIENT_ID`',
    'and the secret `SLIPWAY_CONFIG_REPO_APP_PRIVATE_KEY`.',
    '',
  ].join('\n');
  // CI's alerts job writes the rules it hands promtool next to their tests; they are never committed.
  const gitignore = 'apps/*/tests/rules-*.yaml\n';
  return [file('catalog-info.yaml', catalogInfo), file('README.md', readme), file('.gitignore', gitignore)];
}

/**
 * Moves each part's deploy/ into the system's config repo. Returns the parts' app-repo files
 * (in the order given) and the config repo; `parts` pairs each part's name and deploy path
 * with its rendered files.
 */
export function buildConfigRepo(
  system: ResolvedSystem & { layout: { kind: 'config-repo' } },
  parts: ReadonlyArray<{ deployPath: string; files: readonly RenderedFile[] }>,
  argocd: ConfigRepoArgocd = { files: [], readme: [] },
): { appFiles: RenderedFile[][]; configRepo: RenderedConfigRepo } {
  const name = repoNameOf(system.layout.repoUrl);
  const appFiles: RenderedFile[][] = [];
  const manifests: RenderedFile[] = [];
  for (const part of parts) {
    const split = splitDeployTree(part.files, part.deployPath);
    appFiles.push(split.app);
    manifests.push(...split.manifests);
  }
  return {
    appFiles,
    configRepo: { name, repoUrl: system.layout.repoUrl, branch: system.layout.branch, files: [...configRepoFiles(system, name, argocd), ...argocd.files, ...manifests] },
  };
}

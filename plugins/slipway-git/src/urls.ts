/** Where the Slipway backend plugin is mounted (pluginId `slipway`). */
export const SLIPWAY_API_PATH = '/api/slipway';

export interface LocalRepoUrls {
  /** `git clone` URL: `<api>/git/<name>.git`. */
  cloneUrl: string;
  /** Raw files at the branch: `<api>/repos/<name>/raw/<branch>`; append `/<path>`. */
  repoContentsUrl: string;
}

/**
 * The URLs the Slipway backend serves a local repo under, from the plugin's external
 * base URL (`<backend.baseUrl>/api/slipway`). One function so the action's outputs and
 * the plugin's routes can't drift apart.
 */
export function localRepoUrls(apiBaseUrl: string, name: string, branch: string): LocalRepoUrls {
  const api = apiBaseUrl.replace(/\/+$/, '');
  return {
    cloneUrl: `${api}/git/${name}.git`,
    // A branch like release/1.2 is one path segment of the raw route.
    repoContentsUrl: `${api}/repos/${name}/raw/${encodeURIComponent(branch)}`,
  };
}

/** `<backend.baseUrl>/api/slipway`. */
export function slipwayApiBaseUrl(backendBaseUrl: string): string {
  return `${backendBaseUrl.replace(/\/+$/, '')}${SLIPWAY_API_PATH}`;
}

import Router from 'express-promise-router';
import { NotFoundError } from '@backstage/errors';
import { isReadableRef, isRepoName, LocalRepoStore, localRepoUrls, normaliseRepoPath } from '@slipway/git';
import { rawContentType } from './contentType';

/** One entry of `GET /repos`. */
export interface RepoListItem {
  name: string;
  cloneUrl: string;
  defaultBranch: string;
  lastCommit: { sha: string; time: string } | null;
}

/**
 * `GET /repos` lists the published repos; `GET /repos/:name/raw/:ref/*` serves one
 * file's bytes at a branch, tag or commit (this is what the catalog reads
 * catalog-info.yaml from).
 */
export function createRepoRoutes(options: { store: LocalRepoStore; apiBaseUrl: () => Promise<string> }) {
  const { store, apiBaseUrl } = options;
  const router = Router();

  router.get('/repos', async (_req, res) => {
    const api = await apiBaseUrl();
    const items: RepoListItem[] = await Promise.all(
      (await store.list()).map(async name => {
        const summary = await store.describe(name);
        return { ...summary, cloneUrl: localRepoUrls(api, name, summary.defaultBranch).cloneUrl };
      }),
    );
    res.json(items);
  });

  router.get('/repos/:name/raw/:ref/*', async (req, res) => {
    const { name, ref } = req.params;
    // Express puts the `*` part in params[0]; its route typings don't know that.
    const requested = (req.params as unknown as Record<string, string | undefined>)['0'] ?? '';
    const filePath = normaliseRepoPath(requested);
    const content =
      isRepoName(name) && isReadableRef(ref) && filePath ? await store.readFile(name, ref, filePath) : undefined;
    if (!content || !filePath) throw new NotFoundError(`no file ${requested} at ${ref} in repository ${name}`);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type(rawContentType(filePath, content)).send(content);
  });

  return router;
}

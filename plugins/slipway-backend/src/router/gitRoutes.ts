import Router from 'express-promise-router';
import type { Request, Response } from 'express';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { isRepoName, LocalRepoStore } from '@slipway/git';
import { runGitHttpBackend } from './gitHttpBackend';

const READ_ONLY_MESSAGE =
  'slipway: this repository is read-only: Slipway serves its local repositories for cloning and fetching only, ' +
  'pushing is not supported. Publish changes through the Slipway template instead.\n';

function refuse(res: Response, status: number, message: string): void {
  // git prints a text/plain error body to the user (as "remote: ..."), so say it in words.
  res.status(status).type('text/plain').send(message);
}

/** `<name>.git` → `<name>` for a valid repo name, else undefined (which also rules out `.staging`). */
function repoNameOf(segment: string): string | undefined {
  if (!segment.endsWith('.git')) return undefined;
  const name = segment.slice(0, -'.git'.length);
  return isRepoName(name) ? name : undefined;
}

/**
 * Git smart HTTP, read-only: `info/refs?service=git-upload-pack` and `git-upload-pack`
 * go to `git http-backend`; every push endpoint answers 403, everything else 404.
 */
export function createGitRoutes(options: { store: LocalRepoStore; logger: LoggerService }) {
  const { store, logger } = options;
  const router = Router();

  async function existingRepo(req: Request, res: Response): Promise<string | undefined> {
    const name = repoNameOf(req.params.repo);
    if (name && (await store.exists(name))) return name;
    refuse(res, 404, `slipway: repository ${req.params.repo} not found\n`);
    return undefined;
  }

  router.get('/git/:repo/info/refs', async (req, res) => {
    const service = req.query.service;
    if (service === 'git-receive-pack') return refuse(res, 403, READ_ONLY_MESSAGE);
    const name = await existingRepo(req, res);
    if (!name) return undefined;
    if (service !== 'git-upload-pack') {
      return refuse(res, 404, 'slipway: only the smart HTTP protocol is served (service=git-upload-pack)\n');
    }
    return runGitHttpBackend(req, res, {
      projectRoot: store.reposDir,
      home: await store.gitHome(),
      pathInfo: `/${name}.git/info/refs`,
      queryString: 'service=git-upload-pack',
      logger,
    });
  });

  router.post('/git/:repo/git-upload-pack', async (req, res) => {
    const name = await existingRepo(req, res);
    if (!name) return undefined;
    return runGitHttpBackend(req, res, {
      projectRoot: store.reposDir,
      home: await store.gitHome(),
      pathInfo: `/${name}.git/git-upload-pack`,
      queryString: '',
      logger,
    });
  });

  router.all('/git/:repo/git-receive-pack', (_req, res) => refuse(res, 403, READ_ONLY_MESSAGE));
  router.all('/git/*', (_req, res) => refuse(res, 404, 'slipway: not found\n'));
  return router;
}

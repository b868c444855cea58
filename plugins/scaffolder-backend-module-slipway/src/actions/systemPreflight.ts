import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { LocalRepoStore } from '@slipway/git';
import type { RenderedFile } from '@slipway/render';
import { findCatalogConflicts, type ConflictCatalog } from './catalogConflicts';
import { catalogCredentials, type PublishLocalActionOptions } from './publishLocal';
import { catalogEntityRefs } from './systemCatalog';

/*
 * Why a system's repos are checked before any is written: the Template publishes them one step
 * iteration at a time, and a publish that refuses its repo (the name is taken on the local remote,
 * or its catalog-info.yaml names an entity the catalog already holds: catalogConflicts.ts) would
 * leave the repos before it published. Checked here, the whole system is refused instead. Two
 * tasks racing for one name are still told apart by the publish step itself.
 */

export interface RepoToPublish {
  name: string;
  files: readonly RenderedFile[];
}

export interface PreflightOptions {
  /** Check the local remote for taken names (publisher local). */
  repos?: Pick<LocalRepoStore, 'exists'>;
  /** Check the catalog for entities the repos would register (any publisher). */
  catalog?: { catalog: ConflictCatalog; auth: PublishLocalActionOptions['auth']; getInitiatorCredentials: () => Promise<BackstageCredentials> };
}

/** A repo that cannot be published, and why. */
export interface TakenRepo {
  name: string;
  message: string;
}

/** Every repo of `planned` whose publish would be refused. Throws when the catalog cannot be asked. */
export async function findTakenRepos(planned: readonly RepoToPublish[], options: PreflightOptions): Promise<TakenRepo[]> {
  const taken: TakenRepo[] = [];
  if (options.repos) {
    for (const { name } of planned) {
      if (await options.repos.exists(name)) taken.push({ name, message: `a repository named ${name} already exists on this Backstage's Git remote; choose another name` });
    }
  }
  if (options.catalog) {
    const { catalog, auth, getInitiatorCredentials } = options.catalog;
    const { credentials } = await catalogCredentials(getInitiatorCredentials, auth);
    for (const { name, files } of planned) {
      const conflicts = await findCatalogConflicts(catalog, catalogEntityRefs(files), credentials);
      if (conflicts.length) taken.push({ name, message: `describes what the catalog already holds (${conflicts.join('; ')}), so its registration would conflict; choose another name` });
    }
  }
  return taken;
}

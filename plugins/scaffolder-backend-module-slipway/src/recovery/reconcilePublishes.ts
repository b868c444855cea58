import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { LocalRepoStore } from '@slipway/git';
import { undoPublish } from './undoPublish';

export interface ReconcilePublishesOptions {
  repos: LocalRepoStore;
  catalog: Pick<CatalogService, 'getLocationByRef' | 'removeLocationById'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  logger: LoggerService;
}

export interface ReconcileResult {
  /** Names whose interrupted publish was undone. */
  undone: string[];
  /** Names that could not be undone yet (the catalog did not answer); their records stay for the next attempt. */
  deferred: string[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Undoes every publish that a crash interrupted (a journal record is left only when the
 * process died between starting a publish and finishing it, or, for a group's publishes,
 * before the task finished the group: then every repo of the group is undone). The task that ran it did not
 * complete (Backstage ends it as stale), so none of its results may stay: the catalog
 * location and the repo are removed, and the name can be used again. Runs at startup,
 * before anything could be published by this process again.
 */
export async function reconcilePublishes(options: ReconcilePublishesOptions): Promise<ReconcileResult> {
  const result: ReconcileResult = { undone: [], deferred: [] };
  for (const intent of await options.repos.journal.pending()) {
    const task = intent.taskId ? ` (task ${intent.taskId})` : '';
    try {
      const removed = await undoPublish(intent, options);
      options.logger.warn(
        `Undid the publish of ${intent.name}${task} that was interrupted by a crash: ` +
          `${removed.length ? `removed ${removed.join(' and ')}` : 'nothing had been published yet'}; the name can be used again`,
      );
      result.undone.push(intent.name);
    } catch (error) {
      options.logger.error(`Could not yet undo the interrupted publish of ${intent.name}${task}: ${messageOf(error)}`);
      result.deferred.push(intent.name);
    }
  }
  return result;
}

/**
 * Runs reconcilePublishes until nothing is deferred (the catalog may not answer in the
 * first seconds after a start), waiting `delaysMs` between attempts.
 */
export async function reconcilePublishesWithRetry(
  options: ReconcilePublishesOptions,
  delaysMs: readonly number[] = [2_000, 5_000, 15_000, 60_000],
): Promise<ReconcileResult> {
  let result = await reconcilePublishes(options);
  for (const delay of delaysMs) {
    if (result.deferred.length === 0) break;
    await new Promise(resolve => setTimeout(resolve, delay).unref());
    const next = await reconcilePublishes(options);
    result = { undone: [...result.undone, ...next.undone], deferred: next.deferred };
  }
  return result;
}

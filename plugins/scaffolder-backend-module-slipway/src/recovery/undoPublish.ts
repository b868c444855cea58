import type { PublishIntent } from '@slipway/git';
import type { ReconcilePublishesOptions } from './reconcilePublishes';

/**
 * Takes back what a publish left, whatever part of it happened: its catalog location (found by
 * its target), its repo, and last its journal record, so a crash during the undo is finished by
 * the next start. Returns what was removed, for the log.
 */
export async function undoPublish(
  intent: PublishIntent,
  options: Pick<ReconcilePublishesOptions, 'repos' | 'catalog' | 'auth'>,
): Promise<string[]> {
  const { repos, catalog, auth } = options;
  const done: string[] = [];
  if (intent.locationTarget) {
    const credentials = await auth.getOwnServiceCredentials();
    const location = await catalog.getLocationByRef(`url:${intent.locationTarget}`, { credentials });
    if (location) {
      // Removing the location removes the entities it emitted: they become orphans, and the
      // catalog's default orphanStrategy is "delete" (DefaultCatalogProcessingEngine).
      await catalog.removeLocationById(location.id, { credentials });
      done.push('its catalog location');
    }
  }
  if (await repos.exists(intent.name)) {
    await repos.remove(intent.name);
    done.push('the repository');
  }
  await repos.journal.end(intent.name);
  return done;
}

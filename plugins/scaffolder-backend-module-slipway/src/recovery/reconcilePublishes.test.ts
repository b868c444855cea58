import { promises as fs } from 'fs';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import type { Location } from '@backstage/catalog-client';
import { LocalRepoStore } from '@slipway/git';
import { createRecordingLogger, makeTempDir } from '../__fixtures__/testUtils';
import { reconcilePublishes, reconcilePublishesWithRetry } from './reconcilePublishes';

const author = { name: 'Slipway', email: 'slipway@localhost' };
const target = (name: string) => `http://localhost:7007/api/slipway/repos/${name}/raw/main/catalog-info.yaml`;

/** The part of the catalog reconcile uses, holding locations by ref; can be told to be unreachable. */
class LocationCatalog {
  readonly locations = new Map<string, Location>();
  unreachable = false;

  async getLocationByRef(ref: string): Promise<Location | undefined> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED');
    return this.locations.get(ref);
  }

  async removeLocationById(id: string): Promise<void> {
    for (const [ref, location] of this.locations) if (location.id === id) this.locations.delete(ref);
  }
}

describe('reconcilePublishes (after a crash)', () => {
  let tmp: string;
  let repos: LocalRepoStore;
  let catalog: LocationCatalog;

  beforeEach(async () => {
    tmp = await makeTempDir('reconcile');
    repos = LocalRepoStore.forDataDir(path.join(tmp, 'data'));
    catalog = new LocationCatalog();
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  async function publishRepo(name: string): Promise<void> {
    const source = path.join(tmp, `src-${name}`);
    await fs.mkdir(source, { recursive: true });
    await fs.writeFile(path.join(source, 'catalog-info.yaml'), `kind: Component\nmetadata:\n  name: ${name}\n`);
    await repos.publish(await repos.stage(name, source, { branch: 'main', author, message: name }));
  }

  const run = () => reconcilePublishes({ repos, catalog, auth: mockServices.auth(), logger: createRecordingLogger() });

  it('undoes a publish that died after the rename: the repo goes, the name is free again', async () => {
    await repos.journal.begin({ name: 'orders', taskId: 't1', locationTarget: target('orders'), startedAt: 'x' });
    await publishRepo('orders');
    expect(await run()).toEqual({ undone: ['orders'], deferred: [] });
    expect(await repos.exists('orders')).toBe(false);
    expect(await repos.journal.pending()).toEqual([]);
  });

  it('undoes a publish that died after registering: location and repo go', async () => {
    await repos.journal.begin({ name: 'orders', locationTarget: target('orders'), startedAt: 'x' });
    await publishRepo('orders');
    catalog.locations.set(`url:${target('orders')}`, { id: 'loc-1', type: 'url', target: target('orders'), entityRef: 'location:default/loc-1' });
    await run();
    expect(catalog.locations.size).toBe(0);
    expect(await repos.exists('orders')).toBe(false);
  });

  it('leaves finished publishes alone and forgets a record whose publish never got far', async () => {
    await publishRepo('done'); // no record: this publish finished
    await repos.journal.begin({ name: 'early', locationTarget: target('early'), startedAt: 'x' });
    expect(await run()).toEqual({ undone: ['early'], deferred: [] });
    expect(await repos.list()).toEqual(['done']);
    expect(await repos.journal.pending()).toEqual([]);
  });

  it('reads a torn record (the crash came while it was written) by its file name', async () => {
    await publishRepo('torn');
    await fs.mkdir(repos.journal.dir, { recursive: true });
    await fs.writeFile(path.join(repos.journal.dir, 'torn.json'), '{"name":"to');
    expect(await run()).toEqual({ undone: ['torn'], deferred: [] });
    expect(await repos.exists('torn')).toBe(false);
  });

  it('keeps the record while the catalog does not answer, and finishes on a later attempt', async () => {
    await repos.journal.begin({ name: 'orders', locationTarget: target('orders'), startedAt: 'x' });
    await publishRepo('orders');
    catalog.unreachable = true;
    expect(await run()).toEqual({ undone: [], deferred: ['orders'] });
    expect(await repos.exists('orders')).toBe(true);
    setTimeout(() => (catalog.unreachable = false), 20);
    const result = await reconcilePublishesWithRetry(
      { repos, catalog, auth: mockServices.auth(), logger: createRecordingLogger() },
      [50, 50, 50],
    );
    expect(result).toEqual({ undone: ['orders'], deferred: [] });
    expect(await repos.exists('orders')).toBe(false);
  });
});

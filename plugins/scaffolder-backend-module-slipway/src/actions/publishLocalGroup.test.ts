/**
 * Publishes of one group (a system's repos): slipway:publish:local with `group` keeps each
 * repo's journal record until slipway:publish:local:finish, so a failure later in the task takes
 * the earlier repos back, and a crash before the finish undoes them all at the next start
 * (reconcilePublishes). Real Git repos on disk; the catalog is an in-memory one that records.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { LocalRepoStore } from '@slipway/git';
import { createPublishLocalAction } from './publishLocal';
import { createPublishLocalFinishAction } from './publishLocalFinish';
import { examples as finishExamples } from './publishLocalFinish.examples';
import { reconcilePublishes } from '../recovery/reconcilePublishes';
import { actionContext, createRecordingLogger, makeTempDir } from '../__fixtures__/testUtils';
import { parse } from 'yaml';

type Location = { id: string; type: string; target: string; entityRef: string };

/** Holds the registered locations; `failFor` makes registering a target that contains it fail. */
class InMemoryCatalog implements Pick<CatalogService, 'addLocation' | 'getEntitiesByRefs' | 'removeLocationById' | 'getLocationByRef'> {
  readonly locations = new Map<string, Location>();
  failFor: string | undefined;
  #next = 0;

  async addLocation(location: { type?: string; target: string; dryRun?: boolean }) {
    if (this.failFor && location.target.includes(this.failFor) && !location.dryRun) throw new Error('the catalog is unavailable');
    const id = `loc-${++this.#next}`;
    const added = { id, type: location.type ?? 'url', target: location.target, entityRef: `location:default/${id}` };
    if (!location.dryRun) this.locations.set(added.id, added);
    return { location: added, entities: [] };
  }

  async getEntitiesByRefs(request: { entityRefs: string[] }) {
    return { items: request.entityRefs.map(() => undefined) };
  }

  async removeLocationById(id: string): Promise<void> {
    this.locations.delete(id);
  }

  async getLocationByRef(ref: string) {
    return [...this.locations.values()].find(location => `url:${location.target}` === ref);
  }

  targets(): string[] {
    return [...this.locations.values()].map(location => new URL(location.target).pathname.split('/')[4]).sort();
  }
}

describe('slipway:publish:local with a group, and slipway:publish:local:finish', () => {
  let tmp: string;
  let repos: LocalRepoStore;
  let catalog: InMemoryCatalog;

  beforeEach(async () => {
    tmp = await makeTempDir('publish-group');
    repos = LocalRepoStore.forDataDir(path.join(tmp, 'data'));
    catalog = new InMemoryCatalog();
    for (const name of ['shop-web', 'shop-api', 'shop-worker']) {
      await fs.mkdir(path.join(tmp, 'workspace', name), { recursive: true });
      await fs.writeFile(
        path.join(tmp, 'workspace', name, 'catalog-info.yaml'),
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  owner: group:default/team-a\n  lifecycle: experimental\n`,
      );
    }
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  const publishAction = () => createPublishLocalAction({ repos, baseUrl: 'http://localhost:7007', catalog, auth: mockServices.auth() });
  const finishAction = () => createPublishLocalFinishAction({ repos });

  async function publish(name: string, options: { group?: string; taskId?: string } = {}) {
    const { ctx } = actionContext({
      input: { name, sourcePath: name, ...(options.group ? { group: options.group } : {}) },
      workspacePath: path.join(tmp, 'workspace'),
      taskId: options.taskId ?? 'task-1',
    });
    await publishAction().handler(ctx);
  }

  async function finish(group: string, taskId = 'task-1') {
    const { ctx, outputs } = actionContext({ input: { group }, workspacePath: path.join(tmp, 'workspace'), taskId });
    await finishAction().handler(ctx);
    return outputs;
  }

  const failureOf = (promise: Promise<unknown>): Promise<Error> =>
    promise.then(
      () => {
        throw new Error('expected the action to fail');
      },
      (error: Error) => error,
    );

  it('keeps each repo on record until the finish, then keeps the repos for good', async () => {
    await publish('shop-web', { group: 'shop' });
    await publish('shop-api', { group: 'shop' });
    expect((await repos.journal.groupOf('shop', 'task-1')).map(intent => intent.name)).toEqual(['shop-api', 'shop-web']);
    expect(await repos.list()).toEqual(['shop-api', 'shop-web']);

    expect(await finish('shop')).toEqual({ repos: ['shop-api', 'shop-web'] });
    expect(await repos.journal.pending()).toEqual([]);
    expect(await repos.list()).toEqual(['shop-api', 'shop-web']);
    expect(catalog.targets()).toEqual(['shop-api', 'shop-web']);
  });

  it('takes the earlier repos of the group back when a later publish fails, and says so', async () => {
    await publish('shop-web', { group: 'shop' });
    await publish('shop-api', { group: 'shop' });
    catalog.failFor = '/shop-worker/';
    const error = await failureOf(publish('shop-worker', { group: 'shop' }));
    expect(error.message).toContain('registering');
    expect(error.message).toContain("the group shop's other repositories were taken back: shop-api: removed its catalog location and the repository; shop-web: removed its catalog location and the repository");
    expect(await repos.list()).toEqual([]);
    expect(catalog.targets()).toEqual([]);
    expect(await repos.journal.pending()).toEqual([]);
  });

  it('takes the group back when a later name is taken, which fails before anything of that publish is written', async () => {
    await publish('shop-worker'); // someone else's repo, published before (no group)
    await publish('shop-web', { group: 'shop' });
    const error = await failureOf(publish('shop-worker', { group: 'shop' }));
    expect(error.message).toMatch(/already exists/);
    expect(error.message).toContain('shop-web: removed its catalog location and the repository');
    // The other repo of that name was never the group's: it stays.
    expect(await repos.list()).toEqual(['shop-worker']);
    expect(catalog.targets()).toEqual(['shop-worker']);
  });

  it("never takes back another task's group of the same name", async () => {
    await publish('shop-web', { group: 'shop', taskId: 'task-other' });
    await publish('shop-api', { group: 'shop' });
    catalog.failFor = '/shop-worker/';
    await failureOf(publish('shop-worker', { group: 'shop' }));
    expect(await repos.list()).toEqual(['shop-web']);
    expect((await repos.journal.pending()).map(intent => [intent.name, intent.taskId])).toEqual([['shop-web', 'task-other']]);
    expect(await finish('shop', 'task-other')).toEqual({ repos: ['shop-web'] });
  });

  it('undoes every repo of an unfinished group at the next start, as after a crash', async () => {
    await publish('shop-web', { group: 'shop' });
    await publish('shop-api', { group: 'shop' });
    // The process dies here (the task never reaches the finish); the next start reconciles.
    const logger = createRecordingLogger();
    const result = await reconcilePublishes({ repos, catalog, auth: mockServices.auth(), logger });
    expect(result).toEqual({ undone: ['shop-api', 'shop-web'], deferred: [] });
    expect(await repos.list()).toEqual([]);
    expect(catalog.targets()).toEqual([]);
  });

  it('publishes without a group as before: the record goes as soon as the repo is registered', async () => {
    await publish('shop-web');
    expect(await repos.journal.pending()).toEqual([]);
    expect(await finish('shop')).toEqual({ repos: [] });
  });

  it('refuses a group that is not a DNS-1123 label, naming the field and the rule, and changes nothing', async () => {
    await publish('shop-web', { group: 'shop' });
    const error = await failureOf(finish('Shop_1'));
    expect(error.message).toContain('slipway:publish:local:finish: invalid input, nothing was changed');
    expect(error.message).toContain('group: must be a DNS-1123 label');
    expect((await repos.journal.pending()).map(intent => intent.name)).toEqual(['shop-web']);
    const publishError = await failureOf(publish('shop-api', { group: 'Shop_1' }));
    expect(publishError.message).toContain('group: must be a DNS-1123 label');
    expect(await repos.list()).toEqual(['shop-web']);
  });

  // Every documented example runs through the handler, as the GitHub module's examples do.
  it.each(finishExamples.filter(example => !example.example.includes('${{')).map(example => [example.description, example] as const))(
    'example: %s',
    async (_description, example) => {
      const [step] = (parse(example.example) as { steps: Array<{ action: string; input: { group: string } }> }).steps;
      expect(step.action).toBe('slipway:publish:local:finish');
      await publish('shop-web', { group: step.input.group });
      expect(await finish(step.input.group)).toEqual({ repos: ['shop-web'] });
    },
  );
});

/**
 * The system Template from the Create page, in headless Chromium against the real embedded
 * Backstage: a two-part system (a static frontend calling a Node service at /api) is filled in
 * through the form as a person would (array items, a golden-path select, each part's values as
 * YAML text, an edge), created, and its three repos (the parts and the system's catalog repo)
 * end up on the local Git remote, with the System in the catalog.
 */
import { promises as fs } from 'fs';
import type { Browser, Page } from 'playwright-core';
import { RunningBackend, startBackend } from './support/backend';
import { launchChromium, screenshot } from './support/browser';
import { waitFor } from './support/ports';

describe('the system Template on the Create page', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    backend = await startBackend();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    page.setDefaultTimeout(30_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  it('creates a system of two parts through the form', async () => {
    await page.goto(`${backend.baseUrl}/create`);
    await page.getByText('System (several golden paths, wired together)').waitFor();
    await page.goto(`${backend.baseUrl}/create/templates/default/slipway-system`);
    await page.locator('#root_name').fill('shop');
    await page.locator('#root_owner').fill('team-a');
    await page.getByRole('option', { name: /team-a/ }).click();
    await page.locator('#root_description').fill('Sells things.');
    // The environments' defaults are filled in: staging, then production.
    await expect(page.locator('#root_environments_0_name').inputValue()).resolves.toBe('staging');
    await expect(page.locator('#root_environments_1_name').inputValue()).resolves.toBe('production');
    await page.getByRole('button', { name: 'Next' }).click();

    // minItems 1: the first part's fields are there; the second is added.
    const parts = [
      { name: 'web', goldenPath: /Static frontend/, values: "description: The shop's pages." },
      { name: 'api', goldenPath: /HTTP service/, values: 'description: The API.\nport: 8080' },
    ];
    for (const [index, part] of parts.entries()) {
      if (index > 0) await page.getByRole('button', { name: /add/i }).last().click();
      await page.locator(`#root_parts_${index}_name`).fill(part.name);
      await page.locator(`#root_parts_${index}_goldenPath`).click();
      await page.getByRole('option', { name: part.goldenPath }).click();
      await page.locator(`#root_parts_${index}_values`).fill(part.values);
    }
    await screenshot(page, 'system-01-parts');
    await page.getByRole('button', { name: 'Next' }).click();

    // The add buttons, in form order: resources, calls, uses, publishes, consumes.
    await page.getByRole('button', { name: /add/i }).nth(1).click();
    await page.locator('#root_edges_calls_0_from').fill('web');
    await page.locator('#root_edges_calls_0_to').fill('api');
    await page.locator('#root_edges_calls_0_pathPrefix').fill('/api');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    await page.waitForURL(/\/create\/tasks\//);
    await page.getByRole('link', { name: 'Open the system in the catalog' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'system-02-task-finished');
    const repos = await backend.request<Array<{ name: string }>>('GET', '/api/slipway/repos');
    expect(repos.body.map(repo => repo.name).sort()).toEqual(['api', 'shop-system', 'web']);
    await waitFor(
      'the System shop in the catalog',
      async () => (await backend.request('GET', '/api/catalog/entities/by-name/system/default/shop', undefined, [404])).status === 200,
      60_000,
    );
  }, 240_000);
});

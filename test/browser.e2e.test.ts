/**
 * The whole golden path in a real browser: Debian Chromium driven by playwright-core
 * against the real embedded Backstage (backend + the built app on one port).
 *
 * The cluster is the TEST DOUBLE of the Kubernetes list API in test/k8s-double (no
 * kube-apiserver can run here). The backend reaches it with authProvider:
 * localKubectlProxy, exactly as it would reach `kubectl proxy`. It serves the status
 * card's own scenario fixtures (real Argo Rollouts / Argo CD object shapes).
 *
 * Screenshots go to test-output/screenshots/.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { Browser, Page } from 'playwright-core';
import { scenarioObjects } from '../plugins/slipway-status/src/__fixtures__/scenarios';
import { RunningBackend, startBackend } from './support/backend';
import { launchChromium, screenshot } from './support/browser';
import { KubernetesDouble, startKubernetesDouble } from './k8s-double/server';

const SERVICE = 'checkout';

async function gotoAndWaitFor(page: Page, url: string, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(url);
    try {
      await page.getByText(text).first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe('Backstage in Chromium: Create → task → entity page → live GitOps status', () => {
  let double: KubernetesDouble;
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    double = await startKubernetesDouble();
    backend = await startBackend({
      env: { GITHUB_TOKEN: '' },
      extraConfig: [
        'kubernetes:',
        '  serviceLocatorMethod:',
        '    type: multiTenant',
        '  clusterLocatorMethods:',
        '    - type: config',
        '      clusters:',
        '        - name: local',
        `          url: ${double.url}`,
        '          authProvider: localKubectlProxy',
        '          skipMetricsLookup: true',
      ].join('\n'),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(30_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    await double?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  it('creates a service through the form, with the spec\'s rules shown as you type', async () => {
    await page.goto(`${backend.baseUrl}/create`);
    await page.getByText('Node.js service on Kubernetes (Slipway)').waitFor();
    await screenshot(page, '01-create');
    await page.getByRole('button', { name: 'Choose' }).first().click();
    await page.waitForURL(/\/create\/templates\/default\/slipway-node-service/);

    const name = page.locator('#root_name');
    await name.fill('Foo_Bar');
    const nameError = page.locator('#root_name-helper-text');
    await expect(nameError.textContent()).resolves.toContain('must be a DNS-1123 label');
    await screenshot(page, '02-invalid-name');

    await name.fill(SERVICE);
    await expect(nameError.textContent().catch(() => '')).resolves.not.toContain('must be a DNS-1123 label');
    await page.locator('#root_owner').fill('team-a');
    await page.getByRole('option', { name: /team-a/ }).click();
    await page.locator('#root_description').fill('Takes the money.');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('radio', { name: /own Git remote/ }).isChecked()).resolves.toBe(true);
    // Issue 7, "the form offers GitHub, and the task fails after generate and validate": this
    // backend has no GitHub credentials, so GitHub is not offered, and the form says why.
    await expect(page.getByRole('radio').count()).resolves.toBe(1);
    await expect(page.getByTestId('publisher-help').textContent()).resolves.toContain('GitHub is not available here');
    await screenshot(page, '03a-publisher');
    await page.getByRole('button', { name: 'Review' }).click();
    await screenshot(page, '03-review');
    await page.getByRole('button', { name: 'Create' }).click();

    await page.waitForURL(/\/create\/tasks\//);
    await page.getByRole('link', { name: 'Open in catalog' }).waitFor({ timeout: 90_000 });
    await screenshot(page, '04-task-finished');
    const repos = await backend.request<Array<{ name: string }>>('GET', '/api/slipway/repos');
    expect(repos.body.map(repo => repo.name)).toContain(SERVICE);
  }, 180_000);

  it('shows, per environment, the canary step, the analysis verdict and the image from the cluster', async () => {
    // Production is paused mid-canary with a running analysis; staging is healthy.
    double.setObjects(scenarioObjects('pausedCanary', { name: SERVICE }));
    await gotoAndWaitFor(page, `${backend.baseUrl}/catalog/default/component/${SERVICE}`, 'GitOps environments');
    const production = page.getByTestId('environment-production');
    const staging = page.getByTestId('environment-staging');
    await production.getByText(/step 3\/8/).waitFor({ timeout: 60_000 });
    await screenshot(page, '05-entity-gitops-card');

    const productionText = await production.innerText();
    const stagingText = await staging.innerText();
    // Canary step and weight, the analysis verdict, the images actually running.
    expect(productionText).toMatch(/step 3\/8/);
    expect(productionText).toMatch(/Paused/);
    expect(productionText).toMatch(/Running/);
    expect(productionText).toContain('sha-1a2b3c4');
    expect(productionText).toContain('sha-4f9c2e1');
    expect(stagingText).toMatch(/Successful/);
    expect(stagingText).toContain('sha-4f9c2e1');
    expect(stagingText).toMatch(/Synced/);
    expect(productionText).toMatch(/\d+\/\d+ ready/);
    expect(stagingText).toMatch(/\d+\/\d+ ready/);
    // The backend asked the cluster with the entity's label selector, nothing wider.
    expect(double.requests.some(request => request.includes(encodeURIComponent(`backstage.io/kubernetes-id=${SERVICE}`)))).toBe(true);
  }, 120_000);

  it('reports an aborted canary and its failed analysis plainly', async () => {
    double.setObjects(scenarioObjects('abortedAfterFailedAnalysis', { name: SERVICE }));
    const production = page.getByTestId('environment-production');
    await production.getByText(/Aborted/).first().waitFor({ timeout: 60_000 });
    const text = await production.innerText();
    expect(text).toMatch(/Failed/);
    expect(text).toMatch(/success-rate/);
    await screenshot(page, '06-entity-aborted');
  }, 90_000);

  // Every other golden path through its own Template on the Create page: the name field is
  // checked with that path's own spec (its message, computed here from the spec), and the task
  // publishes a repo.
  it.each(createGoldenPathRegistry().list().filter(goldenPath => goldenPath.id !== 'node-service').map(goldenPath => [goldenPath.id, goldenPath] as const))(
    'creates a %s through its own Template on the Create page',
    async (id, goldenPath) => {
      const template = parse(await fs.readFile(path.join(goldenPath.dir, 'template.yaml'), 'utf8'));
      const name = `ui-${id}`;
      await page.goto(`${backend.baseUrl}/create/templates/default/${template.metadata.name}`);
      const nameField = page.locator('#root_name');
      await nameField.waitFor();
      const invalid = 'Foo_Bar';
      const parsed = (goldenPath.spec.shape as Record<string, { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }>).name.safeParse(invalid);
      expect(parsed.success).toBe(false);
      await nameField.fill(invalid);
      await expect(page.locator('#root_name-helper-text').textContent()).resolves.toContain(parsed.error!.issues[0].message);
      await nameField.fill(name);
      await page.locator('#root_owner').fill('team-a');
      await page.getByRole('option', { name: /team-a/ }).click();
      await page.locator('#root_description').fill(`The ${id} made in the browser.`);
      // Through the remaining pages on their defaults, to the review.
      for (let pageCount = 0; ; pageCount++) {
        expect(pageCount).toBeLessThan(8);
        const review = page.getByRole('button', { name: 'Review' });
        if (await review.isVisible()) {
          await review.click();
          break;
        }
        await page.getByRole('button', { name: 'Next' }).click();
      }
      await screenshot(page, `07-review-${id}`);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/\/create\/tasks\//);
      await page.getByRole('link', { name: 'Open in catalog' }).waitFor({ timeout: 90_000 });
      await screenshot(page, `08-task-finished-${id}`);
      const repos = await backend.request<Array<{ name: string }>>('GET', '/api/slipway/repos');
      expect(repos.body.map(repo => repo.name)).toContain(name);
    },
    180_000,
  );
});

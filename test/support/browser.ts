import { promises as fs } from 'fs';
import path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { REPO_ROOT } from './generatedRepo';
import { chromiumPath } from './testSystem';

/** The flags that keep headless Chromium off the network and quiet on these machines. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');

/**
 * Debian's Chromium, headless, off the network (playwright cannot download browsers here;
 * `npm test` installs Chromium first, see test/support/testSystem.ts). `extraArgs` adds flags,
 * e.g. --host-resolver-rules for the DNS-rebinding test.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

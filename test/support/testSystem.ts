/**
 * The programs `npm test` needs from the system, and where they are. The lookup lives in
 * scripts/ensure-test-system.js, which `npm test` runs first to install what is missing,
 * so the installer's check and what the tests launch cannot disagree.
 */
// A plain-JS script, required rather than imported so it needs no build and no declaration file.
const testSystem = require('../../scripts/ensure-test-system') as {
  findChromium(): string | undefined;
  findPostgresBinDir(): string | undefined;
  whereLooked(req: unknown): string;
  requirement(name: string): unknown;
};

function missing(name: string, apt: string): Error {
  return new Error(
    `${name} not found (looked in ${testSystem.whereLooked(testSystem.requirement(name))}): ` +
      `npm test installs it (scripts/ensure-test-system.js); by hand: apt-get install -y ${apt}`,
  );
}

/** Chromium for the browser tests: $SLIPWAY_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH. */
export function chromiumPath(): string {
  const found = testSystem.findChromium();
  if (!found) throw missing('Chromium', 'chromium');
  return found;
}

/** The folder of PostgreSQL's server binaries (initdb, pg_ctl), from Debian's postgresql package. */
export function postgresBinDir(): string {
  const found = testSystem.findPostgresBinDir();
  if (!found) throw missing('PostgreSQL server', 'postgresql');
  return found;
}

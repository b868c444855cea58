/**
 * The built-in golden path list is what the browser's form fields load: it must not pull in a
 * Node built-in (the app's bundler has none), and it must list exactly the registry's paths.
 */
import { builtinModules } from 'module';
import { builtInGoldenPaths } from './index';

describe('@slipway/skeletons/golden-paths', () => {
  it('loads with every Node built-in unavailable, as in the browser bundle', () => {
    jest.isolateModules(() => {
      for (const name of builtinModules.filter(module => !module.startsWith('_'))) {
        for (const specifier of [name, `node:${name}`]) {
          jest.doMock(specifier, () => {
            throw new Error(`${specifier} imported by a browser-safe golden path module`);
          });
        }
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const browser = require('./golden-paths') as typeof import('./golden-paths');
      expect(browser.builtInGoldenPathIds().length).toBeGreaterThan(0);
      for (const id of browser.builtInGoldenPathIds()) expect(browser.builtInGoldenPathSpec(id)?.safeParse).toBeInstanceOf(Function);
    });
  });

  it('gives each built-in path the spec its registered definition checks values with, and none for other ids', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const browser = require('./golden-paths') as typeof import('./golden-paths');
    const registered = builtInGoldenPaths();
    expect(browser.builtInGoldenPathIds()).toEqual(registered.map(path => path.id));
    for (const path of registered) expect(browser.builtInGoldenPathSpec(path.id)).toBe(path.spec);
    expect(browser.builtInGoldenPathSpec('acme-service')).toBeUndefined();
    expect(browser.builtInGoldenPathSpec('constructor')).toBeUndefined();
  });
});

import { promises as fs } from 'fs';
import path from 'path';
import { skeletonsDir } from '@slipway/skeletons';

/**
 * Free text (a description) may reach a skeleton's output only through a quoting helper
 * (`{{yaml …}}` or `{{json …}}`): the renderer does not escape (`noEscape`), so a bare
 * `{{description}}` would let a newline, `: ` or `---` become YAML structure, or markup become
 * HTML. Checked in every skeleton folder, including the backing-services partials.
 */

/** A mustache that reads a description field: `spec.description`, `description`, `this.description`. */
const READS_FREE_TEXT = /(^|[\s.(])description(?=[\s})]|$)/;

async function templates(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await templates(full)));
    else if (entry.name.endsWith('.hbs')) out.push(full);
  }
  return out;
}

describe('every skeleton', () => {
  it('never writes free text bare', async () => {
    const folders = (await fs.readdir(skeletonsDir, { withFileTypes: true })).filter(entry => entry.isDirectory()).map(entry => entry.name);
    expect(folders).toEqual(expect.arrayContaining(['node-service', 'node-worker', 'static-frontend', '_backing-services']));
    const offenders: string[] = [];
    let checked = 0;
    for (const folder of folders) {
      for (const file of await templates(path.join(skeletonsDir, folder))) {
        const source = await fs.readFile(file, 'utf8');
        for (const mustache of source.match(/(?<!\\)\{\{[^}]*\}\}/g) ?? []) {
          const inner = mustache.slice(2, -2).trim();
          if (inner.startsWith('!') || !READS_FREE_TEXT.test(inner)) continue;
          checked++;
          if (!/^(yaml|json)\s/.test(inner)) offenders.push(`${path.relative(skeletonsDir, file)}: ${mustache}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it('finds a bare description (the check itself)', () => {
    expect(READS_FREE_TEXT.test('description')).toBe(true);
    expect(READS_FREE_TEXT.test('spec.description')).toBe(true);
    expect(READS_FREE_TEXT.test('json description')).toBe(true);
    expect(READS_FREE_TEXT.test('spec.descriptionLength')).toBe(false);
  });
});

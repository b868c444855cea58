import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, BuildError, HASHED_ASSET, HASH_LENGTH } from './build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sha256 = content => createHash('sha256').update(content).digest('hex');

async function tree(dir, relative = '') {
  const out = [];
  for (const entry of await fs.readdir(path.join(dir, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await tree(dir, child)));
    else out.push(child);
  }
  return out.sort();
}

/** The /assets/ references of an HTML page, as a browser would request them. */
const assetRefs = html => [...html.matchAll(/\b(?:src|href)="(\/assets\/[^"]+)"/g)].map(match => match[1]);

describe('build of this repo', () => {
  let tmp;
  let out;
  let result;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'frontend-build-'));
    out = path.join(tmp, 'dist');
    result = await build({ root: ROOT, outDir: out });
  });
  after(() => fs.rm(tmp, { recursive: true, force: true }));

  it('writes the pages under their own names and every asset under a content-hashed name', async () => {
    const files = await tree(out);
    assert.ok(files.includes('index.html'));
    assert.ok(files.includes('404.html'));
    const assets = files.filter(file => file.startsWith('assets/'));
    assert.ok(assets.length >= 4, `assets: ${assets.join(', ')}`);
    for (const file of assets) {
      assert.match(`/${file}`, HASHED_ASSET);
      const hash = file.match(/\.([0-9a-f]+)\.[^.]+$/)[1];
      assert.equal(hash.length, HASH_LENGTH);
      // The name's hash is the hash of the bytes served: a new content is always a new name.
      assert.equal(hash, sha256(await fs.readFile(path.join(out, file))).slice(0, HASH_LENGTH), file);
    }
    assert.ok(!files.some(file => /\.test\./.test(file)), 'test files are not copied');
    assert.deepEqual(Object.keys(result.assets).sort(), (await tree(path.join(ROOT, 'src/assets'))).filter(f => !/\.test\./.test(f)).map(f => `/assets/${f}`).sort());
  });

  it('points both pages at the hashed assets with absolute paths that exist', async () => {
    for (const page of ['index.html', '404.html']) {
      const html = await fs.readFile(path.join(out, page), 'utf8');
      const refs = assetRefs(html);
      assert.ok(refs.length >= 2, `${page} loads its stylesheet and icon`);
      for (const ref of refs) {
        assert.match(ref, HASHED_ASSET);
        await fs.access(path.join(out, ref));
      }
      assert.doesNotMatch(html, /%(?:name|description|apiBase)%/);
      assert.doesNotMatch(html, /\sstyle=|<style|<script>(?!<\/script>)/, `${page} has no inline style or script (the CSP forbids them)`);
    }
  });

  it('rewrites the entry module\'s import to the hashed module, which covers its hash', async () => {
    const app = await fs.readFile(path.join(out, result.assets['/assets/app.js']), 'utf8');
    assert.ok(app.includes(`from '${result.assets['/assets/api.js']}'`), app.split('\n').find(line => line.startsWith('import')));
  });

  it('is deterministic: the same sources give the same bytes', async () => {
    const again = path.join(tmp, 'again');
    await build({ root: ROOT, outDir: again });
    const files = await tree(out);
    assert.deepEqual(await tree(again), files);
    for (const file of files) assert.ok((await fs.readFile(path.join(out, file))).equals(await fs.readFile(path.join(again, file))), file);
  });
});

/** A throwaway project: package.json plus the given files under src/. */
async function project(files, pkg = { name: 'shop', description: 'A shop', config: { apiBase: '/api' } }) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'frontend-fixture-'));
  await fs.writeFile(path.join(root, 'package.json'), JSON.stringify(pkg));
  const all = { 'pages/index.html': '<title>%name%</title>', 'pages/404.html': '<h1>missing</h1>', ...files };
  for (const [file, content] of Object.entries(all)) {
    await fs.mkdir(path.dirname(path.join(root, 'src', file)), { recursive: true });
    await fs.writeFile(path.join(root, 'src', file), content);
  }
  return root;
}

describe('build rules', () => {
  const roots = [];
  const make = async (...args) => {
    const root = await project(...args);
    roots.push(root);
    return root;
  };
  after(() => Promise.all(roots.map(root => fs.rm(root, { recursive: true, force: true }))));

  it('HTML-escapes the package fields it writes into pages', async () => {
    const root = await make(
      { 'pages/index.html': '<meta name="description" content="%description%"><meta name="api-base" content="%apiBase%"><p>%description%</p>' },
      { name: 'shop', description: '<script>alert("x")</script> & \'more\'', config: { apiBase: null } },
    );
    await build({ root });
    const html = await fs.readFile(path.join(root, 'dist/index.html'), 'utf8');
    assert.equal(
      html,
      '<meta name="description" content="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;">' +
        '<meta name="api-base" content="">' +
        '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</p>',
    );
  });

  it('renames a changed module and every module that imports it, and nothing else', async () => {
    const files = {
      'pages/index.html': '<script type="module" src="/assets/app.js"></script><link rel="stylesheet" href="/assets/site.css">',
      'assets/app.js': "import { f } from './lib/f.js';\nimport('./lazy.js');\nf();\n",
      'assets/lib/f.js': 'export const f = () => 1;\n',
      'assets/lazy.js': 'export default 1;\n',
      'assets/site.css': "body { background: url('./img/bg.svg'); }\n",
      'assets/img/bg.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    };
    const root = await make(files);
    const first = (await build({ root })).assets;
    assert.match(await fs.readFile(path.join(root, 'dist', first['/assets/site.css']), 'utf8'), new RegExp(`url\\('${first['/assets/img/bg.svg']}'\\)`));
    await fs.writeFile(path.join(root, 'src/assets/lib/f.js'), 'export const f = () => 2;\n');
    const second = (await build({ root })).assets;
    assert.notEqual(second['/assets/lib/f.js'], first['/assets/lib/f.js']);
    assert.notEqual(second['/assets/app.js'], first['/assets/app.js']);
    assert.equal(second['/assets/lazy.js'], first['/assets/lazy.js']);
    assert.equal(second['/assets/site.css'], first['/assets/site.css']);
    const html = await fs.readFile(path.join(root, 'dist/index.html'), 'utf8');
    assert.ok(html.includes(second['/assets/app.js']));
    // The old names are gone: dist/ is rebuilt from scratch.
    await assert.rejects(fs.access(path.join(root, 'dist', first['/assets/app.js'])), { code: 'ENOENT' });
  });

  it('fails on a bare import, a missing file, an import cycle or a missing 404 page', async () => {
    await assert.rejects(build({ root: await make({ 'assets/app.js': "import x from 'lodash';\n" }) }), (error) =>
      error instanceof BuildError && /only relative files can be imported/.test(error.message));
    await assert.rejects(build({ root: await make({ 'pages/index.html': '<script src="/assets/nope.js"></script>' }) }), /refers to \/assets\/nope\.js/);
    await assert.rejects(build({ root: await make({ 'assets/a.js': "import './b.js';\n", 'assets/b.js': "import './a.js';\n" }) }), /import cycle \/assets\/a\.js → \/assets\/b\.js → \/assets\/a\.js/);
    const noErrorPage = await make({});
    await fs.rm(path.join(noErrorPage, 'src/pages/404.html'));
    await assert.rejects(build({ root: noErrorPage }), /404\.html is missing/);
  });
});

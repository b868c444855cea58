#!/usr/bin/env node
'use strict';
// The compiled CLI lives in dist/ (built by `npx tsc -b` at the repo root, or `npm test`).
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(code => {
    // Exit explicitly once stdout and stderr are flushed: after a dry run, Backstage's
    // database manager leaves the in-memory SQLite pool open on shutdown (it never destroys
    // sqlite3 clients), and its idle reaper would otherwise keep the process alive.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });

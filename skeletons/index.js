'use strict';
// The skeletons ship as a package so an installed Backstage finds them the same way the monorepo does.
const path = require('path');
exports.skeletonsDir = __dirname;
exports.skeletonDir = name => path.join(__dirname, name);

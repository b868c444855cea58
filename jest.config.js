// One Jest run for unit tests beside the code and end-to-end tests in test/.
// Sources are transpiled with swc; `npm test` runs `tsc -b` first for type checking and for dist/ (the CLI bin).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
    // React components and their tests (plugins/slipway-status): TSX with the automatic JSX runtime.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Component tests pick jsdom with a `/** @jest-environment jsdom */` docblock; the rest run in node.
  testMatch: [
    '<rootDir>/plugins/*/src/**/*.test.ts',
    '<rootDir>/plugins/*/src/**/*.test.tsx',
    '<rootDir>/packages/*/src/**/*.test.ts',
    '<rootDir>/packages/*/src/**/*.test.tsx',
    '<rootDir>/test/**/*.test.ts',
    // The golden path list's own tests (skeletons/*.test.ts); a golden path folder's files are skeleton.
    '<rootDir>/skeletons/*.test.ts',
  ],
  // Skeleton files are templates of another repo, including its tests: never run or map them here.
  // Only the golden path definitions (skeletons/index.ts, skeletons/<path>/golden-path*.ts) are code of this repo.
  // node-worker's definition imports its app's metrics declaration (src/metrics.contract.json), the one file the app, the validator and the tests share.
  modulePathIgnorePatterns: ['<rootDir>/skeletons/[^/]+/(?!golden-path[.]|src/metrics[.]contract[.]json$)', '/dist/'],
  moduleNameMapper: {
    '^@slipway/common$': '<rootDir>/plugins/slipway-common/src',
    '^@slipway/skeletons$': '<rootDir>/skeletons/index.ts',
    '^@slipway/skeletons/golden-paths$': '<rootDir>/skeletons/golden-paths.ts',
    '^@slipway/render$': '<rootDir>/plugins/slipway-render/src',
    '^@slipway/validate$': '<rootDir>/plugins/slipway-validate/src',
    '^@slipway/git$': '<rootDir>/plugins/slipway-git/src',
    '^@slipway/plugin-scaffolder-backend-module-slipway$': '<rootDir>/plugins/scaffolder-backend-module-slipway/src',
    '^@slipway/plugin-slipway-backend$': '<rootDir>/plugins/slipway-backend/src',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};

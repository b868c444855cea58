/**
 * Slipway's backend plugin: serves the embedded local Git repos read-only over HTTP.
 *
 * Install with `backend.add(import('@slipway/plugin-slipway-backend'))`.
 *
 * @packageDocumentation
 */
export { slipwayPlugin as default } from './plugin';
export { createRouter, type SlipwayRouterOptions, type RepoListItem } from './router';

/**
 * @slipway/plugin-slipway-status: the "GitOps environments" entity card
 * (new frontend system). Install the default export in the app:
 *
 *   import slipwayStatusPlugin from '@slipway/plugin-slipway-status';
 *   createApp({ features: [..., slipwayStatusPlugin] });
 *
 * The card itself is loaded lazily by the extension; the pure model is exported for reuse.
 */
export { default, gitOpsEnvironmentsCard } from './plugin';
export * from './model';

export interface Config {
  slipway?: {
    /**
     * Folder holding the Slipway skeletons (one sub-folder per skeleton, e.g. node-service).
     * Default: the skeletons shipped in the @slipway/skeletons package.
     */
    skeletonsDir?: string;
  };
}

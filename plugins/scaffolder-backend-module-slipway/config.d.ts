export interface Config {
  slipway?: {
    /**
     * Folder holding the Slipway skeletons (one sub-folder per skeleton, e.g. node-service).
     * Default: the skeletons shipped in the @slipway/skeletons package.
     */
    skeletonsDir?: string;
    /**
     * Folder where Slipway keeps its data; `slipway:publish:local` publishes bare Git repos
     * into `<dataDir>/repos/<name>.git`. Required by that action only. Relative paths resolve
     * against the backend's working directory.
     */
    dataDir?: string;
    git?: {
      /** Author and committer of the commits `slipway:publish:local` makes. */
      author?: {
        /** Default: Slipway */
        name?: string;
        /** Default: slipway@localhost */
        email?: string;
      };
    };
  };
}

/** Absolute path of the folder that holds every skeleton. */
export declare const skeletonsDir: string;
/** Absolute path of one skeleton, e.g. `skeletonDir('node-service')`. */
export declare function skeletonDir(name: string): string;

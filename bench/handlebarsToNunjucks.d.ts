// Types for the benchmark's translator (plain CommonJS so `node bench/run.js` needs no build).
export declare class TranslationError extends Error {}
export declare function translateTemplate(
  source: string,
  options?: { file?: string; partials?: Record<string, string>; ext?: Record<string, string> },
): string;
export declare function translateSkeleton(
  skeletonDir: string,
  outDir: string,
  options?: { environments?: string[] },
): { templates: string[]; copied: string[] };

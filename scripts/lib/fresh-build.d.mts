// Types for fresh-build.mjs (imported by TypeScript tests).
export const ROOT: string;
export function buildSources(root?: string): string[];
export function staleSources(root?: string): string[];
export function ensureFreshBuild(options?: { root?: string; log?: (line: string) => void }): void;

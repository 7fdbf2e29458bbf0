// Types for service-node-flags.mjs (imported by TypeScript tests).
export const SERVICE_NODE_FLAGS: readonly string[];

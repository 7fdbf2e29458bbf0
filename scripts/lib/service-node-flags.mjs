// The Node flags every TaskFlow service process runs with: the image's NODE_OPTIONS
// (Dockerfile, so compose and Kubernetes; deploy/test/compose.spec.ts checks they are the same),
// `npm start` (scripts/start-stack.mjs) and the benchmarks, so what they measure is what runs.
//
// --max-semi-space-size=2 (MB): V8 grows the young generation's two semi-spaces up to 16 MB
// each while a service starts (Nest, TypeORM, class-validator allocate a lot then) and never
// gives them back, ~30 MB of RSS per process that an idle service does not use. With 2 MB the
// five services idle at ≤ 600 MB instead of ~730 MB (issue 12); the price, more scavenges
// under load, measured with bench/tasks.bench.mjs in bench/README.md ("Idle memory").
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'];

// The Node flags every TaskFlow service process runs with: the image's NODE_OPTIONS
// (Dockerfile, so compose and Kubernetes; deploy/test/compose.spec.ts checks they are the same),
// `npm start` (scripts/start-stack.mjs) and the benchmarks, so what they measure is what runs.
//
// --max-semi-space-size=4 (MB): V8 grows the young generation's two semi-spaces up to 16 MB
// each while a service starts (Nest, TypeORM, class-validator allocate a lot then) and never
// gives them back, ~30 MB of RSS per process that an idle service does not use. With 4 MB the
// five services idled at ~615 MB instead of ~745 MB (issue 12; ~590 MB since only the gateway
// loads @nestjs/swagger) at no measurable CPU cost; 2 MB
// (~587 MB) costs 20-28 % more CPU per request in scavenges (bench/README.md, "Idle memory"),
// so only the memory-bound PaaS blueprints use it.
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4'];

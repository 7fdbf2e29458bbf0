// k8s/: the base and each overlay rendered (deploy/test/kustomize.ts; compared with
// `kubectl kustomize` where kubectl exists), every object validated with kubernetes-models,
// and the cross-file facts that break silently checked against the code itself.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createUser, fromSeed } from '@nats-io/nkeys';
import YAML from 'yaml';
import { generateSigningKey } from '#auth';
import { publicHalf } from '#config';
import { REALTIME_PATH } from '#contracts';
import { entryPoint, envDefault, envNames, exists, mainSource, ROOT, SERVICES, service, servedProbePaths, validateEnv, type ServiceName } from './facts.js';
import { loadYamlDocuments, parseImage, render, type K8sObject } from './kustomize.js';

// ---- shapes used below (only what the tests read) ------------------------------------------

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: { name: string; key: string; optional?: boolean }; secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  automountServiceAccountToken?: boolean;
}
type Deployment = K8sObject & {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};
type Service = K8sObject & { spec: { selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] } };
type Ingress = K8sObject & {
  spec: {
    ingressClassName?: string;
    rules: { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number?: number; name?: string } } } }[] } }[];
  };
};
type Hpa = K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number } };
type Pdb = K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string } };
interface PeerRule {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: unknown;
}
type NetworkPolicy = K8sObject & {
  spec: {
    podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
    policyTypes?: string[];
    ingress?: { from?: PeerRule[]; ports?: { port?: number | string; protocol?: string }[] }[];
  };
};
type ConfigMap = K8sObject & { data?: Record<string, string> };
type Secret = K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };

// ---- rendering ------------------------------------------------------------------------------

const K8S = resolve(ROOT, 'k8s');
const TARGETS = ['base', 'overlays/dev', 'overlays/prod'] as const;
const RENDERED = Object.fromEntries(TARGETS.map((t) => [t, render(join(K8S, t))])) as Record<(typeof TARGETS)[number], K8sObject[]>;
const OVERLAYS = ['overlays/dev', 'overlays/prod'] as const;
const BASE_SECRET = RENDERED.base.find((o) => o.kind === 'Secret') as Secret | undefined;

const ofKind = <T extends K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
const byName = <T extends K8sObject>(objects: K8sObject[], kind: string, name: string) => ofKind<T>(objects, kind).find((o) => o.metadata.name === name);
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function kubectlKustomize(): ((dir: string) => K8sObject[]) | undefined {
  try {
    execFileSync('kubectl', ['kustomize', '--help'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return (dir) =>
    YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }))
      .map((doc) => doc.toJS() as K8sObject)
      .filter(Boolean);
}
const KUBECTL = kubectlKustomize();
const idOf = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** kubernetes-models class for an object: kubernetes-models/<group>/<version>/<Kind>. */
async function validateWithModel(o: K8sObject): Promise<void> {
  const modulePath = `kubernetes-models/${o.apiVersion}/${o.kind}`;
  const module = (await import(modulePath)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[o.kind];
  if (!Model) throw new Error(`${modulePath} has no ${o.kind}`);
  new Model(structuredClone(o)).validate();
}

function deploymentOf(objects: K8sObject[], name: string): Deployment {
  const d = byName<Deployment>(objects, 'Deployment', name);
  if (!d) throw new Error(`no Deployment ${name}`);
  return d;
}
const containerOf = (d: Deployment) => d.spec.template.spec.containers[0]!;

function resolvePort(c: Container, port: number | string): number {
  if (typeof port === 'number') return port;
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`${c.name} has no port named ${port}`);
  return named.containerPort;
}

/** The environment a Deployment's container gets, resolved against the rendered ConfigMaps and the given Secret. */
function containerEnv(objects: K8sObject[], c: Container, secret: Secret | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const secretValues = { ...Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), ...secret?.stringData };
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, byName<ConfigMap>(objects, 'ConfigMap', from.configMapRef.name)?.data);
    if (from.secretRef) Object.assign(env, secretValues);
  }
  for (const v of c.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    const cm = v.valueFrom?.configMapKeyRef;
    if (cm) env[v.name] = byName<ConfigMap>(objects, 'ConfigMap', cm.name)?.data?.[cm.key] as string;
    const s = v.valueFrom?.secretKeyRef;
    if (s) env[v.name] = secretValues[s.key] as string;
  }
  return env;
}

/** Values that pass validation, standing in for the real Secret in the start-up check. */
const TEST_SIGNING_KEY = generateSigningKey('k8s-test');
const TEST_SECRET_VALUES: Record<string, string> = {
  JWT_SIGNING_KEY: JSON.stringify(TEST_SIGNING_KEY),
  JWT_PUBLIC_KEYS: JSON.stringify({ keys: [publicHalf(TEST_SIGNING_KEY)] }),
  JWT_REFRESH_SECRET: 'test-only-refresh-secret-0123456789abcdef',
  CURSOR_SECRET: 'test-only-cursor-secret-0123456789abcdef',
  DATABASE_PASSWORD: 'test-only',
  REDIS_PASSWORD: 'test-only',
  MONGODB_URI: 'mongodb://user:pass@mongodb.example:27017/taskflow',
  // A fresh nkey per service: any seed from the repository would be refused in production.
  ...Object.fromEntries(SERVICES.map((s) => [natsSeedKey(s.name), new TextDecoder().decode(createUser().getSeed())])),
};

/** The Secret key of a service's NATS seed: NATS_NKEY_SEED_<ROLE>, e.g. NATS_NKEY_SEED_TASKS_SERVICE. */
function natsSeedKey(name: ServiceName): string {
  return `NATS_NKEY_SEED_${name.toUpperCase().replace(/-/g, '_')}`;
}

const PLACEHOLDER = /REPLACE_ME/;
function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

// ---- tests -----------------------------------------------------------------------------------

describe.each(TARGETS)('k8s/%s', (target) => {
  const objects = RENDERED[target];

  it('renders the expected objects', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy']) expect(kinds).toContain(kind);
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it('every object is valid for its Kubernetes API version (kubernetes-models)', async () => {
    const problems: string[] = [];
    for (const o of objects) {
      try {
        await validateWithModel(o);
      } catch (error) {
        problems.push(`${idOf(o)}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the validation is not vacuous: a broken Deployment fails it', async () => {
    const broken = structuredClone(deploymentOf(objects, 'gateway')) as unknown as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    await expect(validateWithModel(broken as unknown as K8sObject)).rejects.toThrow(/containerPort/);
  });

  (KUBECTL ? it : it.skip)('the JS render equals `kubectl kustomize` (runs where kubectl is installed)', () => {
    const expected = KUBECTL!(join(K8S, target));
    const index = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [idOf(o), o]));
    expect(index(objects)).toEqual(index(expected));
  });

  it('every namespaced object lives in the namespace the kustomization creates', () => {
    const namespaces = ofKind(objects, 'Namespace');
    expect(namespaces).toHaveLength(1);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(namespaces[0]!.metadata.name);
  });

  describe.each(SERVICES.map((s) => s.name))('Deployment %s', (name) => {
    const facts = service(name);
    const d = deploymentOf(objects, name);
    const c = containerOf(d);

    it('runs the compiled entry point of its service with the image\'s node entrypoint', () => {
      expect(d.spec.template.spec.containers).toHaveLength(1);
      expect(c.command).toBeUndefined();
      expect(c.args).toEqual([entryPoint(name)]);
      expect(exists(mainSource(name))).toBe(true);
    });

    it('probes /health (liveness, startup) and /health/ready (readiness) on the port the code serves', () => {
      const served = servedProbePaths(facts);
      expect(served.port).toBe(facts.portVariable);
      expect(served.paths).toEqual(expect.arrayContaining(['/health', '/health/ready']));
      const env = containerEnv(objects, c, BASE_SECRET);
      expect(env[facts.portVariable]).toBe(String(facts.port));
      expect(envDefault(facts, facts.portVariable)).toBe(facts.port);
      for (const [probe, path] of [
        [c.livenessProbe, '/health'],
        [c.startupProbe, '/health'],
        [c.readinessProbe, '/health/ready'],
      ] as const) {
        expect(probe?.httpGet?.path).toBe(path);
        expect(served.paths).toContain(path);
        expect(resolvePort(c, probe!.httpGet!.port)).toBe(facts.port);
      }
    });

    it('every env name is one the service\'s config reads; none comes from envFrom', () => {
      expect(c.envFrom).toBeUndefined();
      const known = envNames(facts);
      expect((c.env ?? []).map((v) => v.name).filter((n) => !known.has(n))).toEqual([]);
      const names = (c.env ?? []).map((v) => v.name);
      expect(new Set(names).size).toBe(names.length);
    });

    it('every configMapKeyRef/secretKeyRef names an existing ConfigMap/Secret key', () => {
      for (const v of c.env ?? []) {
        const cm = v.valueFrom?.configMapKeyRef;
        if (cm) expect({ [v.name]: Object.keys(byName<ConfigMap>(objects, 'ConfigMap', cm.name)?.data ?? {}) }).toEqual({ [v.name]: expect.arrayContaining([cm.key]) });
        const s = v.valueFrom?.secretKeyRef;
        if (s) {
          // The overlays drop the example Secret (the real one is created out of band): its keys are the contract.
          expect(BASE_SECRET?.metadata.name).toBe(s.name);
          expect({ [v.name]: Object.keys(BASE_SECRET?.stringData ?? {}) }).toEqual({ [v.name]: expect.arrayContaining([s.key]) });
        }
      }
    });

    it('connects to NATS as itself: NATS_NKEY_SEED from its own key of the Secret', () => {
      const seed = (c.env ?? []).find((v) => v.name === 'NATS_NKEY_SEED');
      expect(seed?.valueFrom?.secretKeyRef).toEqual({ name: 'taskflow-secrets', key: natsSeedKey(name) });
    });

    it('the environment passes the service\'s own production validation (with test secrets)', () => {
      const secret = { ...BASE_SECRET!, stringData: TEST_SECRET_VALUES } as Secret;
      const env = containerEnv(objects, c, secret);
      expect(env.NODE_ENV).toBe('production');
      expect(() => validateEnv(facts, Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)))).not.toThrow();
    });

    it('runs non-root with a read-only root filesystem, no privilege escalation, no capabilities', () => {
      const pod = d.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container.securityContext?.privileged).not.toBe(true);
        expect(container.securityContext?.capabilities?.add).toBeUndefined();
      }
    });

    it('has CPU and memory requests and limits, requests within limits', () => {
      const cpu = (v: string) => (v.endsWith('m') ? Number(v.slice(0, -1)) / 1000 : Number(v));
      const mem = (v: string) => {
        const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(v);
        if (!m) throw new Error(`memory ${v}: use Mi or Gi`);
        return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
      };
      const r = c.resources!;
      for (const key of ['cpu', 'memory']) {
        expect(r.requests?.[key]).toBeDefined();
        expect(r.limits?.[key]).toBeDefined();
      }
      expect(cpu(r.requests!.cpu!)).toBeLessThanOrEqual(cpu(r.limits!.cpu!));
      expect(mem(r.requests!.memory!)).toBeLessThanOrEqual(mem(r.limits!.memory!));
    });

    it('gives the preStop sleep and the drain time to finish before SIGKILL', () => {
      const preStop = c.lifecycle?.preStop;
      const sleepSeconds = preStop?.sleep?.seconds ?? (preStop?.exec?.command[0] === 'sleep' ? Number(preStop.exec.command[1]) : NaN);
      expect(sleepSeconds).toBeGreaterThanOrEqual(3);
      const drainMs = Number(containerEnv(objects, c, BASE_SECRET).SHUTDOWN_GRACE_MS ?? envDefault(facts, 'SHUTDOWN_GRACE_MS'));
      expect(drainMs).toBeGreaterThan(0);
      expect((d.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(sleepSeconds * 1000 + drainMs + 5000);
    });

    it('has a Service whose selector picks exactly its pods and whose port reaches the container', () => {
      const svc = byName<Service>(objects, 'Service', name);
      expect(svc).toBeDefined();
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      expect(selects(svc!.spec.selector, d.spec.template.metadata.labels)).toBe(true);
      const others = ofKind<Deployment>(objects, 'Deployment').filter((x) => x !== d && selects(svc!.spec.selector, x.spec.template.metadata.labels));
      expect(others).toEqual([]);
      for (const port of svc!.spec.ports) expect(resolvePort(c, port.targetPort ?? port.port)).toBe(facts.port);
    });

    it('is covered by a PodDisruptionBudget that still allows a drain', () => {
      const pdbs = ofKind<Pdb>(objects, 'PodDisruptionBudget').filter((p) => selects(p.spec.selector.matchLabels, d.spec.template.metadata.labels));
      expect(pdbs).toHaveLength(1);
      expect(pdbs[0]!.spec.maxUnavailable ?? 0).not.toBe(0);
    });
  });

  it('HPAs scale the gateway, tasks-service and realtime-service; HPA-managed Deployments set no replicas', () => {
    const hpas = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler');
    const scaled = hpas.map((h) => h.spec.scaleTargetRef.name);
    expect(scaled).toEqual(expect.arrayContaining(['gateway', 'tasks-service', 'realtime-service']));
    for (const h of hpas) {
      expect(h.spec.scaleTargetRef.kind).toBe('Deployment');
      const d = deploymentOf(objects, h.spec.scaleTargetRef.name);
      expect(d.spec.replicas).toBeUndefined();
      expect(containerOf(d).resources?.requests?.cpu).toBeDefined();
      expect(h.spec.minReplicas ?? 1).toBeLessThanOrEqual(h.spec.maxReplicas);
    }
  });

  it(`Ingress: /api → gateway and ${REALTIME_PATH} → realtime-service, backends exist with those ports`, () => {
    const routes = ofKind<Ingress>(objects, 'Ingress').flatMap((ing) => ing.spec.rules.flatMap((r) => r.http.paths.map((p) => ({ ing, ...p }))));
    const find = (path: string) => routes.find((r) => r.path === path);
    expect(find('/api')?.backend.service.name).toBe('gateway');
    expect(find(REALTIME_PATH)?.backend.service.name).toBe('realtime-service');
    for (const route of routes) {
      expect(route.pathType).toBe('Prefix');
      expect(route.ing.spec.ingressClassName).toBe('nginx');
      const svc = byName<Service>(objects, 'Service', route.backend.service.name);
      expect(svc).toBeDefined();
      const port = route.backend.service.port;
      expect(svc!.spec.ports.some((p) => (port.number !== undefined ? p.port === port.number : p.name === port.name))).toBe(true);
    }
    // Only the two public services are exposed.
    expect([...new Set(routes.map((r) => r.backend.service.name))].sort()).toEqual(['gateway', 'realtime-service']);
  });

  it('Socket.IO Ingress: cookie affinity for long-polling and long timeouts for WebSockets', () => {
    const ing = ofKind<Ingress>(objects, 'Ingress').find((i) => i.spec.rules.some((r) => r.http.paths.some((p) => p.path === REALTIME_PATH)))!;
    const a = ing.metadata.annotations ?? {};
    expect(a['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(a['nginx.ingress.kubernetes.io/session-cookie-name']).toBeTruthy();
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(600);
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(600);
    // The API Ingress carries no affinity (annotations apply per Ingress object).
    const api = ofKind<Ingress>(objects, 'Ingress').find((i) => i.spec.rules.some((r) => r.http.paths.some((p) => p.path === '/api')))!;
    expect(api).not.toBe(ing);
    expect(api.metadata.annotations?.['nginx.ingress.kubernetes.io/affinity']).toBeUndefined();
  });

  it('NetworkPolicies: default deny; from outside only the ingress controller, only to gateway and realtime', () => {
    const policies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy');
    const denyAll = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && p.spec.policyTypes?.includes('Ingress'));
    expect(denyAll).toBeDefined();
    const podMatches = (p: NetworkPolicy, labels: Record<string, string>) =>
      selects(p.spec.podSelector.matchLabels ?? {}, labels) &&
      (p.spec.podSelector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values!.includes(labels[e.key]!));
    const fromIngressController = (r: PeerRule) => r.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx';
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      const c = containerOf(d);
      const facts = service(d.metadata.name);
      const rules = policies.filter((p) => podMatches(p, d.spec.template.metadata.labels)).flatMap((p) => p.spec.ingress ?? []);
      for (const rule of rules) {
        // Never "from anywhere" and never a bare IP block.
        expect(rule.from?.length ?? 0).toBeGreaterThan(0);
        for (const peer of rule.from!) expect(peer.ipBlock).toBeUndefined();
        for (const port of rule.ports ?? []) expect(typeof port.port).toBe('number');
      }
      const publicRules = rules.filter((r) => r.from!.some(fromIngressController));
      if (['gateway', 'realtime-service'].includes(d.metadata.name)) {
        expect(publicRules.length).toBeGreaterThan(0);
        for (const rule of publicRules) expect(rule.ports?.map((p) => p.port)).toEqual([resolvePort(c, facts.port)]);
      } else {
        expect(publicRules).toEqual([]);
      }
      // Whatever else may reach a pod (Prometheus) reaches only its metrics port set, from a named namespace.
      for (const rule of rules.filter((r) => !r.from!.some(fromIngressController))) {
        for (const peer of rule.from!) expect(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toBe('monitoring');
        expect(rule.ports?.map((p) => p.port)).toContain(facts.port);
      }
    }
  });

  it('every ConfigMap key is read by some Deployment (no dead or misspelled settings)', () => {
    const cm = ofKind<ConfigMap>(objects, 'ConfigMap');
    expect(cm).toHaveLength(1);
    const used = new Set(ofKind<Deployment>(objects, 'Deployment').flatMap((d) => (containerOf(d).env ?? []).map((v) => v.valueFrom?.configMapKeyRef?.key).filter(Boolean)));
    expect(Object.keys(cm[0]!.data ?? {}).filter((k) => !used.has(k))).toEqual([]);
  });
});

describe('k8s/base: the example Secret', () => {
  it('exists in the base, holds placeholders only, and every key is read by some Deployment', () => {
    expect(BASE_SECRET?.metadata.name).toBe('taskflow-secrets');
    expect(BASE_SECRET?.data).toBeUndefined();
    const values = BASE_SECRET?.stringData ?? {};
    expect(Object.keys(values).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(values)) expect({ key, value }).toEqual({ key, value: expect.stringMatching(PLACEHOLDER) });
    const used = new Set(ofKind<Deployment>(RENDERED.base, 'Deployment').flatMap((d) => (containerOf(d).env ?? []).map((v) => v.valueFrom?.secretKeyRef?.key).filter(Boolean)));
    expect(Object.keys(values).filter((k) => !used.has(k))).toEqual([]);
  });

  it('a service started with the placeholders refuses to start', () => {
    for (const name of ['gateway', 'auth-service', 'tasks-service'] as ServiceName[]) {
      const d = deploymentOf(RENDERED.base, name);
      const env = containerEnv(RENDERED.base, containerOf(d), BASE_SECRET);
      expect(() => validateEnv(service(name), env)).toThrow(/SECRET: must be at least 32 characters|JWT_PUBLIC_KEYS: must be JSON/);
      expect(() => validateEnv(service(name), env)).toThrow(/NATS_NKEY_SEED: must be an nkey user seed/);
    }
  });

  it.each(OVERLAYS)('%s drops it, so applying never overwrites the real Secret', (overlay) => {
    expect(ofKind(RENDERED[overlay], 'Secret')).toEqual([]);
  });

  it('no Secret anywhere under k8s/ holds a non-placeholder value', () => {
    const secrets = yamlFiles(K8S).flatMap((file) =>
      loadYamlDocuments(file)
        .filter((doc) => (doc as K8sObject).kind === 'Secret')
        .map((doc) => ({ file: relative(ROOT, file), secret: doc as Secret })),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const { file, secret } of secrets) {
      const values = { ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), ...secret.stringData };
      for (const [key, value] of Object.entries(values)) expect({ file, key, value }).toEqual({ file, key, value: expect.stringMatching(PLACEHOLDER) });
    }
  });
});

describe('k8s overlays', () => {
  it.each(OVERLAYS)('%s pins the image: every container runs the TaskFlow image with an explicit tag', (overlay) => {
    const images = ofKind<Deployment>(RENDERED[overlay], 'Deployment').map((d) => parseImage(containerOf(d).image));
    expect(new Set(images.map((i) => `${i.name}:${i.tag}`)).size).toBe(1);
    expect(images[0]!.name).not.toBe('taskflow');
    expect(images[0]!.tag ?? images[0]!.digest).toBeTruthy();
    if (overlay === 'overlays/prod') expect(images[0]!.tag).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('dev and prod deploy to different namespaces and hosts', () => {
    const ns = OVERLAYS.map((o) => ofKind(RENDERED[o], 'Namespace')[0]!.metadata.name);
    expect(new Set(ns).size).toBe(2);
    const hosts = OVERLAYS.map((o) => ofKind<Ingress>(RENDERED[o], 'Ingress')[0]!.spec.rules[0]!.host);
    expect(new Set(hosts).size).toBe(2);
  });

  it('prod runs at least 2 replicas of everything, behind TLS', () => {
    const objects = RENDERED['overlays/prod'];
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      const hpa = ofKind<Hpa>(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
      expect(hpa ? hpa.spec.minReplicas : d.spec.replicas).toBeGreaterThanOrEqual(2);
    }
    for (const ing of ofKind<Ingress>(objects, 'Ingress')) expect((ing.spec as { tls?: unknown[] }).tls?.length).toBeGreaterThan(0);
  });

  it('the prod overlay documents the infrastructure route (Helm / managed services, NATS with JetStream)', () => {
    const readme = readFileSync(join(K8S, 'overlays/prod/README.md'), 'utf8');
    expect(readme).toMatch(/helm (upgrade --install|install) nats nats\/nats/);
    expect(readme).toMatch(/jetstream\.enabled=true/);
    for (const word of ['PostgreSQL', 'MongoDB', 'Redis', 'pg_trgm', 'taskflow-secrets']) expect(readme).toContain(word);
  });
});

describe('k8s/nats: what the NATS server needs from TaskFlow', () => {
  const objects = render(join(K8S, 'nats'));
  const authConf = readFileSync(resolve(ROOT, 'deploy/nats/auth.conf'), 'utf8');
  /** The `$NATS_NKEY_*` variables the shipped roles read. */
  const referenced = [...new Set([...authConf.matchAll(/\$(NATS_NKEY_[A-Z_]+)/g)].map((m) => m[1]!))].sort();
  const values = YAML.parse(readFileSync(join(K8S, 'nats/values.yaml'), 'utf8')) as {
    config: {
      merge: Record<string, string>;
      cluster: { enabled: boolean; replicas: number };
      jetstream: { enabled: boolean; fileStore: { enabled: boolean; pvc: { enabled: boolean; size: string; storageClassName?: string } }; memoryStore?: { enabled: boolean } };
    };
    podDisruptionBudget: { enabled: boolean; merge: { spec: { maxUnavailable?: number; minAvailable?: number } } };
    container: { env: Record<string, { valueFrom: { secretKeyRef: { name: string; key: string } } }>; patch: { value: { name: string; mountPath: string } }[] };
    podTemplate: { patch: { value: { name: string; configMap: { name: string } } }[] };
  };

  it('ships deploy/nats/auth.conf verbatim as a ConfigMap in the NATS namespace', () => {
    const cm = byName<ConfigMap>(objects, 'ConfigMap', 'taskflow-nats-auth');
    expect(cm?.metadata.namespace).toBe('nats');
    expect(cm?.data?.['auth.conf']).toBe(authConf);
  });

  it('the example Secret holds a placeholder for exactly the public keys auth.conf reads', () => {
    const secret = byName<Secret>(objects, 'Secret', 'taskflow-nats-public-keys');
    expect(referenced.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual(referenced);
  });

  it('the Helm values give the server every key from that Secret and include the mounted auth.conf', () => {
    expect(Object.keys(values.container.env).sort()).toEqual(referenced);
    for (const [name, v] of Object.entries(values.container.env)) expect(v.valueFrom.secretKeyRef).toEqual({ name: 'taskflow-nats-public-keys', key: name });
    const volume = values.podTemplate.patch.map((p) => p.value).find((v) => v.configMap?.name === 'taskflow-nats-auth');
    const mount = values.container.patch.map((p) => p.value).find((m) => m.name === volume?.name);
    // NATS includes are relative to the chart's /etc/nats-config/nats.conf.
    expect(join('/etc/nats-config', values.config.merge.$include!)).toBe(`${mount?.mountPath}/auth.conf`);
  });

  it('the Helm values run a three-server cluster with JetStream on a PersistentVolumeClaim per server', () => {
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
    expect(values.config.jetstream.fileStore).toMatchObject({ enabled: true, pvc: { enabled: true } });
    expect(values.config.jetstream.fileStore.pvc.size).toMatch(/^\d+(Mi|Gi|Ti)$/);
    // The storage class is the cluster's default unless the operator picks one.
    expect(values.config.jetstream.fileStore.pvc.storageClassName).toBeUndefined();
    expect(values.config.jetstream.memoryStore?.enabled).not.toBe(true);
  });

  it('the NATS PodDisruptionBudget lets a drain take one server at a time, leaving a quorum', () => {
    expect(values.podDisruptionBudget.enabled).toBe(true);
    const { maxUnavailable, minAvailable } = values.podDisruptionBudget.merge.spec;
    expect(minAvailable).toBeUndefined();
    expect(maxUnavailable).toBe(1);
    expect(values.config.cluster.replicas - maxUnavailable!).toBeGreaterThan(values.config.cluster.replicas / 2);
  });

  it('prod connects every service to each server of the cluster by name; replicas of the event streams match the servers', () => {
    const objects = RENDERED['overlays/prod'];
    const release = 'nats';
    const namespace = (YAML.parse(readFileSync(join(K8S, 'nats/kustomization.yaml'), 'utf8')) as { namespace: string }).namespace;
    const servers = Array.from({ length: values.config.cluster.replicas }, (_, i) => `nats://${release}-${i}.${release}-headless.${namespace}.svc.cluster.local:4222`);
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      const env = containerEnv(objects, containerOf(d), BASE_SECRET);
      expect({ name: d.metadata.name, servers: env.NATS_URL?.split(',') }).toEqual({ name: d.metadata.name, servers });
      // Every service but the gateway creates or consumes a stream.
      const replicas = d.metadata.name === 'gateway' ? undefined : String(values.config.cluster.replicas);
      expect({ name: d.metadata.name, replicas: env.EVENT_STREAM_REPLICAS }).toEqual({ name: d.metadata.name, replicas });
    }
  });

  it('dev keeps one replica per stream (the default) and the single NATS Service', () => {
    const objects = RENDERED['overlays/dev'];
    for (const d of ofKind<Deployment>(objects, 'Deployment')) {
      const env = containerEnv(objects, containerOf(d), BASE_SECRET);
      expect(env.EVENT_STREAM_REPLICAS).toBeUndefined();
      expect(env.NATS_URL).toBe('nats://nats.nats.svc.cluster.local:4222');
    }
  });

  it('every service\'s seed key in taskflow-secrets has a public key for its role', () => {
    for (const s of SERVICES) expect(referenced).toContain(natsSeedKey(s.name).replace('NATS_NKEY_SEED_', 'NATS_NKEY_'));
    // A seed's public key is what the server checks; the test seeds above are real nkeys.
    expect(fromSeed(new TextEncoder().encode(TEST_SECRET_VALUES[natsSeedKey('gateway')]!)).getPublicKey()).toMatch(/^U/);
  });
});

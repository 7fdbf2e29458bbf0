// A small, strict kustomize renderer for the tests: no kubectl on CI machines, and the
// Debian kubectl (1.20) embeds a kustomize too old for `patches`. It implements exactly the
// kustomization features k8s/ uses, the way kustomize v5 does, and throws on anything
// else, so a kustomization that outgrows it fails the tests instead of rendering wrongly.
// Where kubectl is installed, k8s.spec.ts also compares this output with `kubectl kustomize`.
//
// Supported: resources (files with one or more documents, or directories with a
// kustomization), namespace, images (name → newName/newTag/digest), replicas, and patches
// that are either JSON 6902 operation lists with a target, or a strategic-merge patch whose
// only effect is `$patch: delete`. Order as kustomize: resources, patches, namespace,
// replicas, images.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import YAML from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string; target?: Target; options?: unknown }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'replicas', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'IngressClass', 'PriorityClass']);
const WORKLOADS_WITH_REPLICAS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export function loadYamlDocuments(file: string): unknown[] {
  return YAML.parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

function asObject(doc: unknown, where: string): K8sObject {
  const o = doc as K8sObject;
  if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
    throw new Error(`${where}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
  }
  return o;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const [a, b] = apiVersion.split('/');
  return b === undefined ? { group: '', version: a! } : { group: a!, version: b };
}

/** kustomize matches name and namespace as anchored regular expressions. */
function matches(o: K8sObject, target: Target): boolean {
  const { group, version } = groupVersion(o.apiVersion);
  const re = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (target.kind !== undefined && target.kind !== o.kind) return false;
  if (target.name !== undefined && !re(target.name, o.metadata.name)) return false;
  if (target.namespace !== undefined && !re(target.namespace, o.metadata.namespace ?? '')) return false;
  return true;
}

// ---- JSON Patch (RFC 6902) ------------------------------------------------------------------

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`JSON pointer must start with /: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  let node = doc as Record<string, unknown> | unknown[];
  for (const token of tokens.slice(0, -1)) {
    const next = Array.isArray(node) ? node[Number(token)] : node[token];
    if (next === undefined || next === null || typeof next !== 'object') throw new Error(`path ${path} does not exist`);
    node = next as Record<string, unknown> | unknown[];
  }
  return { parent: node, key: tokens[tokens.length - 1]! };
}

function get(doc: unknown, path: string): unknown {
  let node = doc as Record<string, unknown> | unknown[];
  for (const token of pointer(path)) {
    const next = Array.isArray(node) ? node[Number(token)] : (node as Record<string, unknown>)[token];
    if (next === undefined) throw new Error(`path ${path} does not exist`);
    node = next as Record<string, unknown>;
  }
  return node;
}

function applyOperation(doc: unknown, op: Operation): void {
  const clone = <T>(v: T): T => structuredClone(v);
  switch (op.op) {
    case 'test':
      if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
      return;
    case 'copy':
    case 'move': {
      const value = clone(get(doc, op.from!));
      if (op.op === 'move') applyOperation(doc, { op: 'remove', path: op.from! });
      applyOperation(doc, { op: 'add', path: op.path, value });
      return;
    }
    case 'add':
    case 'remove':
    case 'replace':
      break; // these write at op.path: below
  }
  const tokens = pointer(op.path);
  if (tokens.length === 0) throw new Error('patching the whole document is not supported');
  const { parent, key } = parentOf(doc, tokens, op.path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`bad array index in ${op.path}`);
    if (op.op === 'add') parent.splice(index, 0, clone(op.value));
    else {
      if (index >= parent.length) throw new Error(`path ${op.path} does not exist`);
      if (op.op === 'replace') parent[index] = clone(op.value);
      else parent.splice(index, 1);
    }
    return;
  }
  if (op.op === 'add') parent[key] = clone(op.value);
  else {
    if (!(key in parent)) throw new Error(`path ${op.path} does not exist`);
    if (op.op === 'replace') parent[key] = clone(op.value);
    else delete parent[key];
  }
}

// ---- the renderer ---------------------------------------------------------------------------

export function render(dir: string): K8sObject[] {
  dir = resolve(dir);
  const file = kustomizationFile(dir);
  const k = YAML.parse(readFileSync(file, 'utf8')) as Kustomization;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not supported by deploy/test/kustomize.ts; extend it (and its kubectl comparison) first`);
  }
  if (k.kind !== undefined && k.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);

  let objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) objects.push(...render(path));
    else objects.push(...loadYamlDocuments(path).map((doc, i) => asObject(doc, `${path}#${i}`)));
  }
  const ids = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion.split('/').length === 1 ? '' : o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (ids.has(id)) throw new Error(`${file}: ${o.kind} ${o.metadata.name} is defined twice`);
    ids.add(id);
  }

  for (const [i, entry] of (k.patches ?? []).entries()) {
    if (entry.options !== undefined) throw new Error(`${file}: patches[${i}].options is not supported`);
    const text = entry.path !== undefined ? readFileSync(resolve(dirname(file), entry.path), 'utf8') : entry.patch;
    if (typeof text !== 'string') throw new Error(`${file}: patches[${i}] has neither patch nor path`);
    const body = YAML.parse(text) as unknown;
    if (Array.isArray(body)) {
      if (!entry.target) throw new Error(`${file}: patches[${i}] is a JSON 6902 patch without a target`);
      const targets = objects.filter((o) => matches(o, entry.target!));
      if (targets.length === 0) throw new Error(`${file}: patches[${i}] matches no resource`);
      for (const o of targets) for (const op of body as Operation[]) applyOperation(o, op);
    } else {
      const smp = body as Partial<K8sObject> & { $patch?: string };
      const keys = Object.keys(smp).filter((key) => !['apiVersion', 'kind', 'metadata', '$patch'].includes(key));
      if (smp.$patch !== 'delete' || keys.length > 0) {
        throw new Error(`${file}: patches[${i}]: only "$patch: delete" strategic-merge patches are supported`);
      }
      const { group, version } = groupVersion(smp.apiVersion ?? '');
      const target: Target = { ...entry.target, kind: smp.kind, name: smp.metadata?.name, ...(smp.apiVersion ? { group, version } : {}) };
      const before = objects.length;
      objects = objects.filter((o) => !matches(o, target));
      if (objects.length === before) throw new Error(`${file}: patches[${i}] deletes nothing`);
    }
  }

  if (k.namespace !== undefined) {
    for (const o of objects) {
      if (o.kind === 'Namespace') o.metadata.name = k.namespace;
      else if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    }
  }

  for (const { name, count } of k.replicas ?? []) {
    const targets = objects.filter((o) => WORKLOADS_WITH_REPLICAS.has(o.kind) && o.metadata.name === name);
    if (targets.length === 0) throw new Error(`${file}: replicas: no workload named ${name}`);
    for (const o of targets) (o.spec as Record<string, unknown>).replicas = count;
  }

  for (const image of k.images ?? []) {
    for (const o of objects) {
      for (const container of podContainers(o)) {
        const ref = parseImage(container.image);
        if (ref.name !== image.name) continue;
        const name = image.newName ?? ref.name;
        if (image.digest) container.image = `${name}@${image.digest}`;
        else if (image.newTag) container.image = `${name}:${image.newTag}`;
        else container.image = `${name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
      }
    }
  }
  return objects;
}

export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [beforeDigest, digest] = image.split('@') as [string, string | undefined];
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  if (colon > slash) return { name: beforeDigest.slice(0, colon), tag: beforeDigest.slice(colon + 1), digest };
  return { name: beforeDigest, digest };
}

/** Containers and init containers of a workload's pod template (or a Pod). */
export function podContainers(o: K8sObject): { name: string; image: string }[] {
  const spec = o.kind === 'Pod' ? (o.spec as PodSpecLike) : ((o.spec as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec ?? undefined);
  if (!spec) return [];
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

interface PodSpecLike {
  containers?: { name: string; image: string }[];
  initContainers?: { name: string; image: string }[];
}

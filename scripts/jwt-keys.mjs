#!/usr/bin/env node
// Prints a new ES256 key pair for access tokens, as the two environment values:
//   JWT_SIGNING_KEY  (auth-service only; keep it secret)
//   JWT_PUBLIC_KEYS  (every service; add the new public key next to the ones still trusted)
// Usage: npm run keys -- <kid>     e.g. npm run keys -- taskflow-2026-12
import { generateKeyPairSync } from 'node:crypto';

const kid = process.argv[2] ?? `taskflow-${new Date().toISOString().slice(0, 10)}`;
if (!/^[A-Za-z0-9._-]{1,64}$/.test(kid)) {
  console.error('kid: letters, digits, . _ - (up to 64)');
  process.exit(1);
}
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { kty, crv, x, y, d } = privateKey.export({ format: 'jwk' });
const publicKey = { kty, crv, kid, alg: 'ES256', use: 'sig', x, y };
console.log(`JWT_SIGNING_KEY='${JSON.stringify({ ...publicKey, d })}'`);
console.log(`JWT_PUBLIC_KEYS='${JSON.stringify({ keys: [publicKey] })}'`);

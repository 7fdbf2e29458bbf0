import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';

/** An EC P-256 public key as a JWK: what JWT_PUBLIC_KEYS lists and the JWKS document serves. */
export interface PublicSigningJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** The private half auth-service signs with: the public JWK plus `d`. */
export interface PrivateSigningJwk extends PublicSigningJwk {
  d: string;
}

/**
 * The development key pair: shipped so that `npm start` and the tests need no set-up, and
 * therefore public. Production refuses it (see `refuseDevelopmentKey`).
 */
export const DEVELOPMENT_SIGNING_KEY: PrivateSigningJwk = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'taskflow-dev-1',
  alg: 'ES256',
  use: 'sig',
  x: 'ptL1-5G-U8P281PAlDhrhitCuK1BhLgtUeE7qayU2t0',
  y: 'dliFBl-wc1gTfSEP3DmdfgKezyDaJZ85IHeuymVJaZw',
  d: 'pGDB5UlIWFcSiu8fH7i212buhowKeaJru7BUQbn-Ml8',
};

export function publicHalf({ kty, crv, x, y, kid }: PublicSigningJwk): PublicSigningJwk {
  return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;

const jwkFields = {
  kty: z.literal('EC', { message: 'keys must be EC (ES256)' }),
  crv: z.literal('P-256', { message: 'keys must be on curve P-256 (ES256)' }),
  x: z.string().min(1),
  y: z.string().min(1),
  kid: z.string().regex(KID, 'every key needs a kid (letters, digits, . _ -)'),
  alg: z.literal('ES256').optional(),
  use: z.literal('sig').optional(),
};

const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

/** `{"keys":[…]}` (a JWKS document) or a bare array of public JWKs, each with a distinct kid. */
export const publicKeySet = json
  .pipe(z.union([z.object({ keys: z.array(z.object(jwkFields)) }).transform((set) => set.keys), z.array(z.object(jwkFields))]))
  .pipe(
    z
      .array(z.object(jwkFields))
      .min(1, 'must list at least one key')
      .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, 'kids must be distinct')
      .refine((keys) => keys.every(isPublicKey), 'every key must be a valid P-256 point'),
  )
  .transform((keys) => keys.map((key) => publicHalf(key as PublicSigningJwk)));

/** One private JWK with its kid: `{"kty":"EC","crv":"P-256","kid":…,"x":…,"y":…,"d":…}`. */
export const privateSigningKey = json
  .pipe(z.object({ ...jwkFields, d: z.string().min(1) }))
  .refine(isPrivateKey, 'must be a valid P-256 private key')
  .transform((key): PrivateSigningJwk => ({ ...publicHalf(key as PublicSigningJwk), d: key.d }));

function isPublicKey(key: { x: string; y: string; crv: string; kty: string }): boolean {
  try {
    createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

function isPrivateKey(key: { x: string; y: string; d: string; crv: string; kty: string }): boolean {
  try {
    createPrivateKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y, d: key.d }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

export function isDevelopmentKey(key: { x: string; y: string }): boolean {
  return key.x === DEVELOPMENT_SIGNING_KEY.x && key.y === DEVELOPMENT_SIGNING_KEY.y;
}

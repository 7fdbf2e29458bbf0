import { describe, expect, it } from '@jest/globals';
import { RpcError } from '#contracts';
import { HashingPool } from './hashing-pool.js';
import { PasswordHasher, passwordProblem } from './password-hasher.js';

const hasher = new PasswordHasher({ BCRYPT_ROUNDS: 4 }, new HashingPool({ HASH_CONCURRENCY: 2, HASH_QUEUE_MAX: 8, HASH_MAX_WAIT_MS: 60_000, SHUTDOWN_GRACE_MS: 5000 }));

describe('PasswordHasher', () => {
  it('verifies the right password against its hash, not a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).not.toContain('correct horse');
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
  });

  it('uses the configured cost', async () => {
    expect(await hasher.hash('whatever-password')).toMatch(/^\$2b\$04\$/);
  });

  it('fails for an unknown user without throwing', async () => {
    expect(await hasher.verify('decoy-password-never-matches', undefined)).toBe(false);
  });

  it('refuses to hash or check a password bcrypt would truncate: over 72 bytes or with a NUL', async () => {
    const seventyTwo = 'é'.repeat(36);
    const hash = await hasher.hash(seventyTwo);
    expect(await hasher.verify(seventyTwo, hash)).toBe(true);
    // The first 72 bytes match: bcrypt alone would say yes.
    await expect(hasher.verify(`${seventyTwo}extra`, hash)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(hasher.verify(`${seventyTwo}extra`, undefined)).rejects.toBeInstanceOf(RpcError);
    await expect(hasher.hash(`${seventyTwo}a`)).rejects.toMatchObject({ code: 'VALIDATION', messages: ['password must be at most 72 bytes long'] });
    await expect(hasher.hash('correct\u0000horse')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(hasher.verify('correct\u0000horse', hash)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('names the field and the rule', () => {
    expect(passwordProblem('short')).toBe('password must be 8-72 bytes long');
    expect(passwordProblem('short', 0)).toBeNull();
    expect(passwordProblem('x'.repeat(73), 0, 'currentPassword')).toBe('currentPassword must be at most 72 bytes long');
  });
});

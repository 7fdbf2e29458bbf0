import { describe, expect, it } from '@jest/globals';
import { PasswordHasher } from './password-hasher.js';

const hasher = new PasswordHasher({ BCRYPT_ROUNDS: 4 });

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
});

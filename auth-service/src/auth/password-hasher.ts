import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { APP_ENV } from '#config';
import { ErrorCode, PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES, RpcError, unsafeTextProblem } from '#contracts';
import type { AuthEnv } from '../config/auth.env.js';
import { HashingPool } from './hashing-pool.js';

/**
 * Why a password cannot be used as given, or null. bcrypt reads at most 72 bytes and stops
 * at a NUL (and an unpaired surrogate has no UTF-8 form to hash), so a longer password (or one with a NUL) would be silently truncated: two
 * different passwords would then match the same hash. `minBytes` is 0 for passwords that
 * are only checked (login): a short one simply does not match.
 */
export function passwordProblem(password: string, minBytes = PASSWORD_MIN_BYTES, field = 'password'): string | null {
  const unsafe = unsafeTextProblem(password);
  if (unsafe) return `${field} ${unsafe}`;
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > PASSWORD_MAX_BYTES) return `${field} must be at most ${PASSWORD_MAX_BYTES} bytes long`;
  if (bytes < minBytes) return `${field} must be ${minBytes}-${PASSWORD_MAX_BYTES} bytes long`;
  return null;
}

/**
 * bcrypt behind the password rules. The rules are checked here, not only by the request
 * classes: this is the last step before bcrypt, whoever called (NATS, the admin seed).
 */
@Injectable()
export class PasswordHasher {
  /** Compared against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'BCRYPT_ROUNDS'>,
    private readonly pool: HashingPool,
  ) {
    this.decoyHash = bcrypt.hash('decoy-password-never-matches', env.BCRYPT_ROUNDS);
  }

  async hash(password: string, field = 'password'): Promise<string> {
    assertUsable(passwordProblem(password, PASSWORD_MIN_BYTES, field));
    return this.pool.run(() => bcrypt.hash(password, this.env.BCRYPT_ROUNDS));
  }

  /** A password that could never have been set is a 400 before any bcrypt work, the same for every email. */
  async verify(password: string, hash: string | undefined, field = 'password'): Promise<boolean> {
    assertUsable(passwordProblem(password, 0, field));
    const against = hash ?? (await this.decoyHash);
    const matches = await this.pool.run(() => bcrypt.compare(password, against));
    return matches && hash !== undefined;
  }
}

function assertUsable(problem: string | null): void {
  if (problem) throw new RpcError(ErrorCode.VALIDATION, [problem]);
}

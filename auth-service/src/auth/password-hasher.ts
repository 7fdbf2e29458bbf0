import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { APP_ENV } from '#config';
import type { AuthEnv } from '../config/auth.env.js';

@Injectable()
export class PasswordHasher {
  /** Compared against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(@Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'BCRYPT_ROUNDS'>) {
    this.decoyHash = bcrypt.hash('decoy-password-never-matches', env.BCRYPT_ROUNDS);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.env.BCRYPT_ROUNDS);
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? (await this.decoyHash));
    return matches && hash !== undefined;
  }
}

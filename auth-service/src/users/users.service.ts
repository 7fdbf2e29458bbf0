import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_ENV } from '#config';
import { CursorCodec } from '#cursor';
import { PAGE_LIMIT_DEFAULT, unsafeTextProblem, type Actor, type ChangeRoleRequest, type Page, type Role, type SearchUsersQuery, type UserDto, type UserSummaryDto } from '#contracts';
import { PasswordHasher } from '../auth/password-hasher.js';
import { AuthEvents } from '../events/auth-events.js';
import { DataSource } from 'typeorm';
import { adminOnly, userNotFound } from '../auth/auth.errors.js';
import type { AuthEnv } from '../config/auth.env.js';
import { toUserDto, toUserSummary } from './user.entity.js';
import { UsersRepository, type UserPosition } from './users.repository.js';

/** Names are 1-100 characters (RegisterRequest). */
const USER_NAME_MAX = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Search results' cursors: [name, id], unsigned (the search shows every user's name anyway). */
const userCursors = new CursorCodec<UserPosition>({
  write: (position) => [position.name, position.id],
  read: (value) => {
    // The name reaches a text comparison in SQL: a NUL (or a name no user can have) would be a 500 there.
    const [name, id] = Array.isArray(value) && value.length === 2 ? (value as unknown[]) : [];
    return typeof name === 'string' && name.length <= USER_NAME_MAX && !unsafeTextProblem(name) && typeof id === 'string' && UUID.test(id) ? { name, id } : undefined;
  },
});

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly events: AuthEvents,
    private readonly dataSource: DataSource,
    @Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD'>,
  ) {}

  async search(request: SearchUsersQuery): Promise<Page<UserSummaryDto>> {
    const limit = request.limit ?? PAGE_LIMIT_DEFAULT;
    const after = request.cursor ? userCursors.decode(request.cursor) : undefined;
    const rows = await this.users.search(request.q?.trim() || undefined, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(toUserSummary), nextCursor: rows.length > limit && last ? userCursors.encode(last) : null };
  }

  async find(ids: string[], role?: Role): Promise<UserSummaryDto[]> {
    return (await this.users.findByIds(ids, role)).map(toUserSummary);
  }

  async changeRole(actor: Actor, request: ChangeRoleRequest): Promise<UserDto> {
    if (actor.role !== 'admin') throw adminOnly();
    const before = await this.users.findById(request.userId);
    if (!before) throw userNotFound();
    const user = await this.dataSource.transaction(async (db) => {
      const updated = await this.users.updateRole(request.userId, request.role, db);
      if (updated && before.role !== updated.role) {
        await this.events.record(db, 'user.role_changed', { userId: updated.id, actorId: actor.id, data: { from: before.role, to: updated.role } });
      }
      return updated;
    });
    this.events.published();
    if (!user) throw userNotFound();
    this.logger.log({ userId: user.id, role: user.role, by: actor.id }, 'Role changed');
    return toUserDto(user);
  }

  /** Seeds the configured admin once; replicas starting together race safely. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.env;
    if (!email || !password) return;
    const created = await this.users.insertIfAbsent({
      email: email.toLowerCase(),
      name: 'Administrator',
      passwordHash: await this.passwords.hash(password),
      role: 'admin',
    });
    if (created) this.logger.log({ email }, 'Seeded admin user');
  }
}

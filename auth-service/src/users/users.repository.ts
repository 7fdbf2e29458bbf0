import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import type { Role } from '#contracts';
import { UserEntity } from './user.entity.js';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}

/** Keyset position in the name-ordered user list. */
export interface UserPosition {
  name: string;
  id: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByIds(ids: string[], role?: Role): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy({ id: In(ids), ...(role ? { role } : {}) });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** Throws a unique violation when the email is taken. */
  async insert(user: NewUser, db: EntityManager = this.users.manager): Promise<UserEntity> {
    const repository = db.getRepository(UserEntity);
    return repository.save(repository.create(user));
  }

  /** Idempotent across replicas starting at once. */
  async insertIfAbsent(user: NewUser): Promise<boolean> {
    const result = await this.users.query(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
      [user.email, user.name, user.passwordHash, user.role],
    );
    return result.length > 0;
  }

  async updatePassword(id: string, passwordHash: string, db: EntityManager = this.users.manager): Promise<void> {
    await db.getRepository(UserEntity).update({ id }, { passwordHash });
  }

  async updateRole(id: string, role: Role, db: EntityManager = this.users.manager): Promise<UserEntity | null> {
    const repository = db.getRepository(UserEntity);
    const result = await repository.update({ id }, { role });
    return result.affected ? repository.findOneBy({ id }) : null;
  }

  /** Users whose name or email starts with `prefix`, ordered by name, after `after`. */
  search(prefix: string | undefined, after: UserPosition | undefined, limit: number): Promise<UserEntity[]> {
    const query = this.users.createQueryBuilder('u').orderBy('lower(u.name)', 'ASC').addOrderBy('u.id', 'ASC').limit(limit);
    if (prefix) {
      const pattern = `${escapeLike(prefix.toLowerCase())}%`;
      query.where('(lower(u.name) LIKE :pattern OR lower(u.email) LIKE :pattern)', { pattern });
    }
    if (after) query.andWhere('(lower(u.name), u.id) > (lower(:name), :id)', after);
    return query.getMany();
  }
}

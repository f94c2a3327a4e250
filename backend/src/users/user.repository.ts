import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  role?: UserEntity['role'];
}

/** All user persistence; services see no TypeORM. */
@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  /** Inserts unless the username is taken; returns null when it is (also when another pod won the race). */
  async insert(user: NewUser): Promise<UserEntity | null> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({ role: 'user', ...user })
      .orIgnore()
      .returning(['id'])
      .execute();
    const inserted = (result.raw as { id: string }[])[0];
    return inserted ? this.findById(inserted.id) : null;
  }

  async update(id: string, changes: Partial<Pick<UserEntity, 'passwordHash' | 'role' | 'displayName'>>): Promise<void> {
    await this.users.update({ id }, changes);
  }

  /** Prefix search on username or display name, active users only, ordered by username. */
  search(query: string, limit: number, excludeId?: string): Promise<UserEntity[]> {
    const builder = this.users.createQueryBuilder('u').where('u.banned_at IS NULL').orderBy('u.username', 'ASC').limit(limit);
    const term = query.trim().toLowerCase();
    if (term) {
      const pattern = `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('(u.username LIKE :pattern OR lower(u.display_name) LIKE :pattern)', { pattern });
    }
    if (excludeId) builder.andWhere('u.id <> :excludeId', { excludeId });
    return builder.getMany();
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SCHEMA_READY } from '../database/database.module';
import { UserRepository } from '../users/user.repository';
import { PasswordHasher } from './password-hasher';

/** Makes sure the admin account from ADMIN_USERNAME / ADMIN_PASSWORD exists with the admin role and that password. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    @Inject(SCHEMA_READY) private readonly schemaReady: unknown,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const existing = await this.users.findByUsername(admin.username);
    if (!existing) {
      // Another pod may create it at the same moment; insert returns null then, which is fine.
      const created = await this.users.insert({
        username: admin.username,
        displayName: 'Administrator',
        passwordHash: await this.hasher.hash(admin.password),
        role: 'admin',
      });
      if (created) this.logger.log(`Created admin account "${admin.username}"`);
      return;
    }
    const passwordMatches = await this.hasher.verify(admin.password, existing.passwordHash);
    if (existing.role !== 'admin' || !passwordMatches) {
      if (existing.role !== 'admin') await this.users.setRole(existing.id, 'admin');
      if (!passwordMatches) await this.users.setPassword(existing.id, await this.hasher.hash(admin.password));
      this.logger.log(`Updated admin account "${admin.username}" from configuration`);
    }
  }
}

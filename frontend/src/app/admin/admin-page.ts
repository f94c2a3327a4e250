import { ChangeDetectionStrategy, Component } from '@angular/core';
import { AdminAuditPanel } from './admin-audit';
import { AdminRoomsPanel } from './admin-rooms';
import { AdminStatsPanel } from './admin-stats';
import { AdminUsersPanel } from './admin-users';

/** The admin area (lazy route, role admin): live fleet stats, users and bans, rooms and archiving, the audit log. */
@Component({
  selector: 'app-admin-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './admin-page.css',
  imports: [AdminStatsPanel, AdminUsersPanel, AdminRoomsPanel, AdminAuditPanel],
  template: `
    <section class="page admin">
      <h1>Administration</h1>
      <app-admin-stats />
      <app-admin-users />
      <app-admin-rooms />
      <app-admin-audit />
    </section>
  `,
})
export class AdminPage {}

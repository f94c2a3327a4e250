import { ChangeDetectionStrategy, Component } from '@angular/core';
import { AdminStatsPanel } from './admin-stats';
import { AdminUsersPanel } from './admin-users';

/** The admin area (lazy route, role admin): live fleet stats and user bans. */
@Component({
  selector: 'app-admin-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './admin-page.css',
  imports: [AdminStatsPanel, AdminUsersPanel],
  template: `
    <section class="page admin">
      <h1>Administration</h1>
      <app-admin-stats />
      <app-admin-users />
    </section>
  `,
})
export class AdminPage {}

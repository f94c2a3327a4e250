import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { LIMITS, type AdminUser } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { errorMessage } from '../core/api-error';
import { AdminApi } from './admin-api';
import { LoadMore, PagedList } from './paged-list';

/** Find users, page through them, ban (with a reason) and unban. */
@Component({
  selector: 'app-admin-users',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './admin-users.css',
  imports: [LoadMore],
  template: `
    <section class="admin-section" aria-labelledby="users-heading">
      <div class="admin-section__header">
        <h2 id="users-heading">Users</h2>
      </div>
      <div class="field">
        <label for="admin-user-search">Search users</label>
        <input id="admin-user-search" type="search" autocomplete="off" [attr.maxlength]="maxQuery" (input)="onQuery($event)" />
      </div>
      @if (error() ?? list.error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <ul class="result-list admin-users" [attr.aria-busy]="list.loading()">
        @for (user of list.items(); track user.id) {
          <li class="result admin-user">
            <div class="result__main">
              <span class="result__title">
                {{ user.displayName }}
                @if (user.role === 'admin') {
                  <span class="tag">admin</span>
                }
                @if (user.bannedAt) {
                  <span class="tag tag--danger">banned</span>
                }
              </span>
              <span class="muted"
                >&#64;{{ user.username }}
                @if (user.banReason) {
                  <span> · {{ user.banReason }}</span>
                }
              </span>
            </div>
            @if (banning() === user.id) {
              <form class="admin-user__ban" (submit)="ban($event, user)">
                <label class="visually-hidden" [for]="'ban-reason-' + user.id">Reason for banning {{ user.username }}</label>
                <input
                  [id]="'ban-reason-' + user.id"
                  [value]="reason()"
                  [attr.maxlength]="maxReason"
                  placeholder="Reason"
                  required
                  (input)="onReason($event)"
                />
                <button type="submit" class="button button--small button--danger" [disabled]="busy() || !reason().trim()">
                  Confirm ban
                </button>
                <button type="button" class="button button--small button--ghost" (click)="banning.set(null)">Cancel</button>
              </form>
            } @else if (user.bannedAt) {
              <button type="button" class="button button--small button--secondary" [disabled]="busy()" (click)="unban(user)">
                Unban<span class="visually-hidden"> {{ user.username }}</span>
              </button>
            } @else if (user.id !== meId()) {
              <button type="button" class="button button--small button--danger-quiet" [disabled]="busy()" (click)="startBan(user)">
                Ban<span class="visually-hidden"> {{ user.username }}</span>
              </button>
            }
          </li>
        } @empty {
          @if (!list.loading()) {
            <li class="muted">No users match.</li>
          }
        }
      </ul>
      <app-load-more [list]="list" />
    </section>
  `,
})
export class AdminUsersPanel {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  protected readonly meId = computed(() => this.session.user()?.id ?? null);

  protected readonly maxQuery = LIMITS.searchQueryMax;
  protected readonly maxReason = LIMITS.banReasonMax;
  private readonly query = signal('');
  protected readonly list = new PagedList<AdminUser, string>((query, cursor) => this.api.users(query, cursor));
  protected readonly busy = signal(false);
  /** Why the last ban or unban failed. */
  protected readonly error = signal<string | null>(null);
  /** The user whose ban form is open. */
  protected readonly banning = signal<string | null>(null);
  protected readonly reason = signal('');

  constructor() {
    this.list.follow(this.query);
  }

  protected onQuery(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.query.set(event.target.value.trim());
  }

  protected onReason(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.reason.set(event.target.value);
  }

  protected startBan(user: AdminUser): void {
    this.reason.set('');
    this.banning.set(user.id);
  }

  protected async ban(event: Event, user: AdminUser): Promise<void> {
    event.preventDefault();
    const reason = this.reason().trim();
    if (!reason) return;
    if (await this.change(() => this.api.ban(user.id, reason))) this.banning.set(null);
  }

  protected async unban(user: AdminUser): Promise<void> {
    await this.change(() => this.api.unban(user.id));
  }

  /** Runs a ban or unban and shows its result; returns whether it worked. */
  private async change(action: () => Promise<AdminUser>): Promise<boolean> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.list.replace(await action());
      return true;
    } catch (err) {
      this.error.set(errorMessage(err));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}

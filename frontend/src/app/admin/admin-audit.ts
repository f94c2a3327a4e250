import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { AUDIT_ACTIONS, LIMITS, type AuditAction, type AuditEntry, type AuditQuery } from '@chat/contracts';
import { AdminApi } from './admin-api';
import { LoadMore, PagedList } from './paged-list';

type AuditFilter = Required<Omit<AuditQuery, 'limit' | 'cursor' | 'action'>> & { action: AuditAction | '' };

/** A whole id; a partial one is not sent (the server would refuse it while it is being typed or pasted). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sameFilter = (a: AuditFilter, b: AuditFilter) => a.actor === b.actor && a.action === b.action && a.targetId === b.targetId;

const ACTION_LABELS: Record<AuditAction, string> = {
  'user.ban': 'Banned a user',
  'user.unban': 'Unbanned a user',
  'message.delete': 'Deleted a message',
  'room.archive': 'Archived a room',
};

/** Who did what to which target, newest first; narrowed by the admin's username, the action and the target's id. */
@Component({
  selector: 'app-admin-audit',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrls: ['./admin-users.css', './admin-audit.css'],
  imports: [DatePipe, LoadMore],
  template: `
    <section class="admin-section" aria-labelledby="audit-heading">
      <div class="admin-section__header">
        <h2 id="audit-heading">Audit log</h2>
      </div>
      <div class="admin-audit__filters">
        <div class="field">
          <label for="audit-actor">Admin (username)</label>
          <input id="audit-actor" type="search" autocomplete="off" [attr.maxlength]="maxUsername" (input)="set('actor', $event)" />
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" (change)="set('action', $event)">
            <option value="">Any action</option>
            @for (action of actions; track action) {
              <option [value]="action">{{ labels[action] }}</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="audit-target">Target id</label>
          <input
            id="audit-target"
            type="search"
            autocomplete="off"
            spellcheck="false"
            maxlength="36"
            [attr.aria-invalid]="partialTarget()"
            [attr.aria-describedby]="partialTarget() ? 'audit-target-hint' : null"
            (input)="set('targetId', $event)"
          />
          @if (partialTarget()) {
            <span id="audit-target-hint" class="field__hint">Paste a whole id (36 characters).</span>
          }
        </div>
      </div>
      @if (list.error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <ul class="result-list admin-audit" [attr.aria-busy]="list.loading()">
        @for (entry of list.items(); track entry.id) {
          <li class="result admin-audit__entry">
            <div class="result__main">
              <span class="result__title">{{ labels[entry.action] }}</span>
              <span class="muted">
                <time [attr.datetime]="entry.createdAt">{{ entry.createdAt | date: 'medium' }}</time> · by
                {{ entry.actor ? '@' + entry.actor.username : 'a deleted user' }} · {{ entry.targetType }}
                <code class="admin-audit__id">{{ entry.targetId }}</code>
                @if (reasonOf(entry); as reason) {
                  · “{{ reason }}”
                }
              </span>
            </div>
          </li>
        } @empty {
          @if (!list.loading()) {
            <li class="muted">No entries match.</li>
          }
        }
      </ul>
      <app-load-more [list]="list" />
    </section>
  `,
})
export class AdminAuditPanel {
  private readonly api = inject(AdminApi);

  protected readonly actions = AUDIT_ACTIONS;
  protected readonly labels = ACTION_LABELS;
  protected readonly maxUsername = LIMITS.usernameMax;
  protected readonly partialTarget = signal(false);
  private readonly filter = signal<AuditFilter>({ actor: '', action: '', targetId: '' });
  protected readonly list = new PagedList<AuditEntry, AuditFilter>((filter, cursor) =>
    this.api.audit({ actor: filter.actor, action: filter.action || undefined, targetId: filter.targetId }, cursor),
  );

  constructor() {
    this.list.follow(this.filter, sameFilter);
  }

  protected set(field: keyof AuditFilter, event: Event): void {
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    const value = target.value.trim();
    if (field === 'targetId') {
      this.partialTarget.set(value !== '' && !UUID.test(value));
      if (this.partialTarget()) return;
    }
    this.filter.update((filter) => ({ ...filter, [field]: field === 'actor' ? value.toLowerCase() : value }));
  }

  protected reasonOf(entry: AuditEntry): string | null {
    const reason = entry.details['reason'];
    return typeof reason === 'string' ? reason : null;
  }
}

import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, signal, untracked } from '@angular/core';
import type { AdminStats } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { PageVisibility } from '../core/page-visibility';
import { AdminApi } from './admin-api';

/** How often the stats refresh while the page is visible. */
export const STATS_REFRESH_MS = 5_000;

/** Pods, connections and message rate of the whole fleet, refreshed every few seconds. */
@Component({
  selector: 'app-admin-stats',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './admin-stats.css',
  imports: [DatePipe, DecimalPipe],
  template: `
    <section class="admin-section" aria-labelledby="stats-heading">
      <div class="admin-section__header">
        <h2 id="stats-heading">Live stats</h2>
        <span class="muted admin-section__meta" aria-live="off">
          @if (updatedAt(); as at) {
            Updated {{ at | date: 'mediumTime' }} · every {{ refreshSeconds }} s
          }
        </span>
        <button type="button" class="button button--small button--secondary" [disabled]="loading()" (click)="load()">Refresh</button>
      </div>
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      @if (stats(); as s) {
        <dl class="stat-grid">
          <div class="stat">
            <dt>Connections</dt>
            <dd>{{ s.totals.connections | number }}</dd>
          </div>
          <div class="stat">
            <dt>Messages / s</dt>
            <dd>{{ s.messagesPerSecond | number: '1.0-2' }}</dd>
          </div>
          <div class="stat">
            <dt>Users</dt>
            <dd>{{ s.totals.users | number }}</dd>
          </div>
          <div class="stat">
            <dt>Rooms</dt>
            <dd>{{ s.totals.rooms | number }}</dd>
          </div>
          <div class="stat">
            <dt>Messages</dt>
            <dd>{{ s.totals.messages | number }}</dd>
          </div>
          <div class="stat">
            <dt>Pods</dt>
            <dd>{{ s.pods.length }}</dd>
          </div>
        </dl>
        <div class="admin-table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">
              Pods
            </caption>
            <thead>
              <tr>
                <th scope="col">Pod</th>
                <th scope="col" class="num">Connections</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              @for (pod of s.pods; track pod.podId) {
                <tr>
                  <td class="admin-table__id">{{ pod.podId }}</td>
                  <td class="num">{{ pod.connections | number }}</td>
                  <td>{{ pod.startedAt | date: 'short' }}</td>
                </tr>
              } @empty {
                <tr>
                  <td colspan="3" class="muted">No pods reported in.</td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      } @else if (loading()) {
        <p class="muted">Loading…</p>
      }
    </section>
  `,
})
export class AdminStatsPanel {
  private readonly api = inject(AdminApi);
  private readonly visibility = inject(PageVisibility);

  protected readonly refreshSeconds = STATS_REFRESH_MS / 1000;
  protected readonly stats = signal<AdminStats | null>(null);
  protected readonly updatedAt = signal<Date | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    let timer: ReturnType<typeof setInterval> | null = null;
    const stopTimer = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    // Poll only while someone can see it.
    effect(() => {
      stopTimer();
      if (!this.visibility.visible()) return;
      untracked(() => void this.load());
      timer = setInterval(() => void this.load(), STATS_REFRESH_MS);
    });
    inject(DestroyRef).onDestroy(stopTimer);
  }

  protected async load(): Promise<void> {
    if (this.loading()) return;
    this.loading.set(true);
    try {
      this.stats.set(await this.api.stats());
      this.updatedAt.set(new Date());
      this.error.set(null);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.loading.set(false);
    }
  }
}

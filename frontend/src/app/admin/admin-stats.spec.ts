import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { AdminStats } from '@chat/contracts';
import { PageVisibility } from '../core/page-visibility';
import { AdminApi } from './admin-api';
import { AdminStatsPanel, STATS_REFRESH_MS } from './admin-stats';

const stats = (connections: number): AdminStats => ({
  pods: [
    { podId: 'pod-a', connections, startedAt: '2024-01-01T00:00:00.000Z' },
    { podId: 'pod-b', connections: 0, startedAt: '2024-01-01T00:00:00.000Z' },
  ],
  totals: { connections, users: 10, rooms: 3, messages: 1234 },
  messagesPerSecond: 2.5,
});

describe('AdminStatsPanel', () => {
  const api = { stats: jest.fn<Promise<AdminStats>, []>() };
  const visible = signal(true);

  async function render() {
    TestBed.configureTestingModule({
      providers: [
        { provide: AdminApi, useValue: api },
        { provide: PageVisibility, useValue: { visible } },
      ],
    });
    const fixture = TestBed.createComponent(AdminStatsPanel);
    await tick(0);
    return { root: fixture.nativeElement as HTMLElement };
  }

  /** Fake time: run the timers and promises due, then render (whenStable would wait on a fake timer). */
  async function tick(ms: number): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
    TestBed.tick();
    await jest.advanceTimersByTimeAsync(0);
    TestBed.tick();
  }

  beforeEach(() => {
    jest.useFakeTimers();
    api.stats.mockReset();
    visible.set(true);
  });
  afterEach(() => jest.useRealTimers());

  it('shows totals, rate and one row per pod', async () => {
    api.stats.mockResolvedValue(stats(7));
    const { root } = await render();
    expect(root.textContent).toContain('1,234');
    expect(root.textContent).toContain('2.5');
    expect(Array.from(root.querySelectorAll('tbody tr')).map((r) => r.querySelector('td')?.textContent?.trim())).toEqual([
      'pod-a',
      'pod-b',
    ]);
  });

  it('refreshes on its own while visible, and stops while the tab is hidden', async () => {
    api.stats.mockResolvedValueOnce(stats(1)).mockResolvedValue(stats(2));
    const { root } = await render();
    expect(api.stats).toHaveBeenCalledTimes(1);
    await tick(STATS_REFRESH_MS);
    expect(api.stats).toHaveBeenCalledTimes(2);
    expect(root.querySelector('tbody td.num')?.textContent?.trim()).toBe('2');

    visible.set(false);
    await tick(0);
    await tick(STATS_REFRESH_MS * 3);
    expect(api.stats).toHaveBeenCalledTimes(2);
  });

  it('says when the stats cannot be loaded', async () => {
    api.stats.mockRejectedValue(new HttpErrorResponse({ status: 403, error: { error: { code: 'FORBIDDEN', message: 'Admins only' } } }));
    const { root } = await render();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Admins only');
  });
});

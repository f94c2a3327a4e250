import type { Type } from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { SessionStore } from '../app/auth/session-store';
import { AdminApi } from '../app/admin/admin-api';
import { flushPromises } from './fixtures';

/** Lets an admin panel's debounced queries (250 ms) and the API answers they wait for go through (fake timers). */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await jest.advanceTimersByTimeAsync(300);
  const done = flushPromises();
  jest.advanceTimersByTime(1);
  await done;
  await fixture.whenStable();
}

/** Renders an admin panel, logged in as the admin `root`, against a stand-in AdminApi; call jest.useRealTimers() after. */
export async function renderAdminPanel<T>(component: Type<T>, api: object) {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
  TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: AdminApi, useValue: api }] });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { id: 'id-root', username: 'root', displayName: 'Root', role: 'admin' } });
  const fixture = TestBed.createComponent(component);
  await settle(fixture);
  return { fixture, root: fixture.nativeElement as HTMLElement };
}

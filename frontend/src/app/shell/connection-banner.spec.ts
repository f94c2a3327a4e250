import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SocketClient, type ConnectionState } from '../core/socket-client';
import { ConnectionBanner } from './connection-banner';

describe('ConnectionBanner', () => {
  const state = signal<ConnectionState>('connecting');

  async function render(): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [{ provide: SocketClient, useValue: { state } }] });
    const fixture = TestBed.createComponent(ConnectionBanner);
    // Fake timers: render by hand (whenStable would wait on a fake timer).
    TestBed.tick();
    return fixture.nativeElement;
  }

  const text = (root: HTMLElement) => root.querySelector('[role="status"]')?.textContent?.trim();

  beforeEach(() => {
    jest.useFakeTimers();
    state.set('connecting');
  });
  afterEach(() => jest.useRealTimers());

  it('stays quiet on a quick first connect, speaks up when it is slow', async () => {
    const root = await render();
    expect(text(root)).toBe('');
    jest.advanceTimersByTime(1600);
    TestBed.tick();
    expect(text(root)).toBe('Connecting to the server…');
  });

  it('says when the connection is lost, and briefly when it is back', async () => {
    const root = await render();
    state.set('connected');
    TestBed.tick();
    state.set('reconnecting');
    TestBed.tick();
    expect(text(root)).toContain('Reconnecting');
    state.set('connected');
    TestBed.tick();
    expect(text(root)).toBe('Connected');
    jest.advanceTimersByTime(3000);
    TestBed.tick();
    expect(text(root)).toBe('');
  });

  it('says so when the browser is offline', async () => {
    const root = await render();
    state.set('offline');
    TestBed.tick();
    expect(text(root)).toContain('You are offline');
  });
});

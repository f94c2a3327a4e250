import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal } from '@angular/core';
import { SocketClient, type ConnectionState } from '../core/socket-client';

const TEXT: Record<ConnectionState, string> = {
  idle: '',
  connecting: 'Connecting to the server…',
  connected: 'Connected',
  reconnecting: 'Connection lost. Reconnecting… Messages you send will go out once it is back.',
  offline: 'You are offline. Messages you send will go out when you reconnect.',
};

/** A first connection is usually instant: only mention it when it is slow. */
const SLOW_CONNECT_MS = 1500;
const CONNECTED_NOTICE_MS = 2500;

/** Says when the live connection is not up, and briefly confirms when it comes back. */
@Component({
  selector: 'app-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './connection-banner.css',
  template: `
    <div class="banner" role="status" [attr.data-state]="state()" [class.banner--hidden]="!visible()">
      {{ visible() ? text() : '' }}
    </div>
  `,
})
export class ConnectionBanner {
  protected readonly state = inject(SocketClient).state;
  private readonly slowConnect = signal(false);
  private readonly justReconnected = signal(false);

  protected readonly text = computed(() => TEXT[this.state()]);
  protected readonly visible = computed(() => {
    switch (this.state()) {
      case 'reconnecting':
      case 'offline':
        return true;
      case 'connecting':
        return this.slowConnect();
      case 'connected':
        return this.justReconnected();
      default:
        return false;
    }
  });

  constructor() {
    let wasDown = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = (fn: () => void, ms: number) => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
    effect(() => {
      const state = this.state();
      this.slowConnect.set(false);
      this.justReconnected.set(false);
      if (state === 'connecting') {
        later(() => this.slowConnect.set(true), SLOW_CONNECT_MS);
      } else if (state === 'reconnecting' || state === 'offline') {
        wasDown = true;
      } else if (state === 'connected' && wasDown) {
        wasDown = false;
        this.justReconnected.set(true);
        later(() => this.justReconnected.set(false), CONNECTED_NOTICE_MS);
      }
    });
    inject(DestroyRef).onDestroy(() => {
      if (timer !== null) clearTimeout(timer);
    });
  }
}

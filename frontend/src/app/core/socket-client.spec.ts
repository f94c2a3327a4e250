import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Ack } from '@chat/contracts';
import { message } from '../../testing/fixtures';
import { SocketClient, SOCKET_ACK_TIMEOUT_MS, SOCKET_FACTORY, SOCKET_SESSION, type ClientSocket } from './socket-client';

type Listener = (...args: unknown[]) => void;
type AckCb = (err: Error | null, ack: unknown) => void;

/** Just enough of a socket.io client socket: records emits, lets the test fire events. */
class FakeSocket {
  connected = false;
  active = true;
  connectCalls = 0;
  readonly listeners = new Map<string, Listener[]>();
  readonly emits: Array<{ event: string; payload: unknown; ack: AckCb; timeoutMs: number }> = [];
  readonly volatileEmits: Array<{ event: string; payload: unknown }> = [];

  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  connect(): this {
    this.connectCalls++;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }
  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }
  timeout(timeoutMs: number) {
    return {
      emit: (event: string, payload: unknown, ack: AckCb) => this.emits.push({ event, payload, ack, timeoutMs }),
    };
  }
  get volatile() {
    return { emit: (event: string, payload: unknown) => this.volatileEmits.push({ event, payload }) };
  }
  fire(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  /** Simulates the handshake succeeding. */
  open(): void {
    this.connected = true;
    this.fire('connect');
  }
}

function setup() {
  const fake = new FakeSocket();
  let auth: ((cb: (data: { token: string }) => void) => void) | null = null;
  const session = { token: signal<string | null>('token-1'), expire: jest.fn() };
  TestBed.configureTestingModule({
    providers: [
      SocketClient,
      { provide: SOCKET_SESSION, useValue: session },
      { provide: SOCKET_ACK_TIMEOUT_MS, useValue: 1234 },
      {
        provide: SOCKET_FACTORY,
        useValue: (a: typeof auth) => {
          auth = a;
          return fake as unknown as ClientSocket;
        },
      },
    ],
  });
  const socket = TestBed.inject(SocketClient);
  return { socket, fake, session, auth: () => auth };
}

describe('SocketClient', () => {
  afterEach(() => jest.useRealTimers());

  describe('connection', () => {
    it('connects lazily with the current token and reports its state', () => {
      const { socket, fake, session, auth } = setup();
      expect(socket.state()).toBe('idle');
      expect(fake.connectCalls).toBe(0);

      socket.connect();
      expect(fake.connectCalls).toBe(1);
      expect(socket.state()).toBe('connecting');

      session.token.set('token-2');
      const sent = jest.fn();
      auth()?.(sent);
      expect(sent).toHaveBeenCalledWith({ token: 'token-2' });

      fake.open();
      expect(socket.state()).toBe('connected');
      fake.fire('disconnect', 'transport close');
      expect(socket.state()).toBe('reconnecting');
    });

    it('says offline when the browser loses the network', () => {
      const { socket, fake } = setup();
      socket.connect();
      fake.open();
      fake.fire('disconnect', 'transport close');
      window.dispatchEvent(new Event('offline'));
      expect(socket.state()).toBe('offline');
      window.dispatchEvent(new Event('online'));
      expect(socket.state()).toBe('reconnecting');
    });

    it('ends the session when the handshake is refused as UNAUTHORIZED', () => {
      const { socket, fake, session } = setup();
      socket.connect();
      const err = Object.assign(new Error('unauthorized'), { data: { code: 'UNAUTHORIZED', message: 'bad token' } });
      fake.fire('connect_error', err);
      expect(session.expire).toHaveBeenCalled();
      expect(socket.state()).toBe('idle');
    });

    it('retries by itself when the server refuses for another reason', () => {
      jest.useFakeTimers();
      const { socket, fake, session } = setup();
      socket.connect();
      fake.active = false;
      fake.fire('connect_error', Object.assign(new Error('busy'), { data: { code: 'UNAVAILABLE', message: 'x' } }));
      expect(session.expire).not.toHaveBeenCalled();
      jest.advanceTimersByTime(5000);
      expect(fake.connectCalls).toBe(2);
    });

    it('reconnects after the server hangs up to drain, but not after a ban', () => {
      jest.useFakeTimers();
      const { socket, fake, session } = setup();
      socket.connect();
      fake.open();
      fake.fire('session:closed', { code: 'DRAINING', message: 'restarting' });
      fake.connected = false;
      fake.fire('disconnect', 'io server disconnect');
      jest.advanceTimersByTime(1000);
      expect(fake.connectCalls).toBe(2);
      expect(session.expire).not.toHaveBeenCalled();

      fake.open();
      fake.fire('session:closed', { code: 'BANNED', message: 'You were banned' });
      fake.connected = false;
      fake.fire('disconnect', 'io server disconnect');
      jest.advanceTimersByTime(1000);
      expect(fake.connectCalls).toBe(2);
      expect(session.expire).toHaveBeenCalledWith('You were banned');
    });

    it('forwards server events to subscribers until they unsubscribe', () => {
      const { socket, fake } = setup();
      const handler = jest.fn();
      const off = socket.on('message:new', handler);
      socket.connect();
      const event = { message: message(1) };
      fake.fire('message:new', event);
      off();
      fake.fire('message:new', event);
      expect(handler).toHaveBeenCalledTimes(1);
      expect(handler).toHaveBeenCalledWith(event);
    });
  });

  describe('requests', () => {
    function connected() {
      const ctx = setup();
      ctx.socket.connect();
      ctx.fake.open();
      return ctx;
    }

    it('resolves an ok ack', async () => {
      const { socket, fake } = connected();
      const pending = socket.send({ roomId: 'r1', clientMsgId: 'c1', body: 'hi' });
      const call = fake.emits[0];
      expect(call).toMatchObject({ event: 'message:send', payload: { roomId: 'r1', clientMsgId: 'c1', body: 'hi' }, timeoutMs: 1234 });
      call.ack(null, { ok: true, message: message(1) });
      await expect(pending).resolves.toEqual({ ok: true, message: message(1) });
    });

    it('passes an error ack through', async () => {
      const { socket, fake } = connected();
      const pending = socket.edit({ messageId: 'm1', body: 'x' });
      const error = { code: 'FORBIDDEN', message: 'Only the sender can edit' };
      fake.emits[0].ack(null, { ok: false, error });
      await expect(pending).resolves.toEqual({ ok: false, error });
    });

    it('turns a lost ack (timeout) into an UNAVAILABLE error', async () => {
      const { socket, fake } = connected();
      const pending = socket.sync({ roomId: 'r1', afterSeq: 0 });
      fake.emits[0].ack(new Error('operation has timed out'), undefined);
      const ack: Ack = await pending;
      expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAVAILABLE' }) });
    });

    it('turns a malformed ack into an INTERNAL error', async () => {
      const { socket, fake } = connected();
      const pending = socket.markRead({ roomId: 'r1', seq: 3 });
      fake.emits[0].ack(null, 'yes');
      await expect(pending).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
    });

    it('answers at once, without emitting, while disconnected', async () => {
      const { socket, fake } = setup();
      socket.connect();
      await expect(socket.remove({ messageId: 'm1' })).resolves.toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'UNAVAILABLE' }),
      });
      expect(fake.emits).toHaveLength(0);
    });

    it('sends typing as a volatile emit only when connected', () => {
      const { socket, fake } = setup();
      socket.connect();
      socket.typing({ roomId: 'r1', typing: true });
      fake.open();
      socket.typing({ roomId: 'r1', typing: true });
      expect(fake.volatileEmits).toEqual([{ event: 'typing', payload: { roomId: 'r1', typing: true } }]);
    });
  });
});

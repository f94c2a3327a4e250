import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ConnectErrorData,
  Message,
  MessageDeletedEvent,
  ServerToClientEvents,
  SessionClosedEvent,
  SessionReadyEvent,
  SyncAck,
} from '@chat/contracts';
import { sleep } from '@chat/test-harness';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ResilientClientOptions {
  label: string;
  token: string;
  /** Pod (or proxy) base URLs; after a disconnect or a refused handshake the client moves to the next one. */
  urls: string[];
  /** Index in `urls` of the first connection. */
  firstUrl?: number;
  /** A send, sync or edit without an answer within this is treated as lost and retried. */
  ackTimeoutMs?: number;
  /** Handshake plus session:ready must complete within this, else the attempt counts as failed. */
  connectTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** room:sync page size; omitted means the server default. */
  syncLimit?: number;
}

/** What happened to one emit of message:send. */
export type EmitOutcome = 'ok' | 'timeout' | 'disconnected' | string;

export interface EmitRecord {
  clientMsgId: string;
  url: string;
  at: number;
  settledAt?: number;
  outcome?: EmitOutcome;
}

export interface ConnectionRecord {
  url: string;
  at: number;
}

export interface DisconnectRecord {
  url: string;
  reason: string;
  at: number;
}

export interface ConnectErrorRecord {
  url: string;
  code: string | undefined;
  message: string;
  at: number;
}

/** One send the client keeps until the server acknowledged it. */
export interface OutboxEntry {
  roomId: string;
  clientMsgId: string;
  body: string;
  /** The message from the first ok ack. */
  acked: Message | null;
  /** Ids from every ok ack (resends of one clientMsgId must all return the same message). */
  ackedIds: string[];
  attempts: number;
  inFlight: boolean;
  createdAt: number;
  ackedAt?: number;
  retryTimer?: NodeJS.Timeout;
  settle: (error?: Error) => void;
  done: Promise<Message>;
}

export interface RoomState {
  roomId: string;
  messages: Map<string, Message>;
  /** Highest event seq such that every event up to it is reflected in `messages`. */
  appliedSeq: number;
  /** Event seqs seen live above appliedSeq + 1 (arrived out of order or after a gap). */
  pendingSeqs: Set<number>;
  syncing: boolean;
  syncAgain: boolean;
  syncRetry?: NodeJS.Timeout;
  syncPages: number;
  syncedMessages: number;
  gapsDetected: number;
  /** Live message:new per message id on any of this client's connections. */
  newEvents: Map<string, number>;
  /** Head announced by the latest session:ready. */
  announcedLastSeq: number;
  /**
   * appliedSeq when the current connection was opened. A session:ready may say less than appliedSeq: the
   * pod joins the socket to its rooms before it reads their heads, so events committed after that read
   * can arrive live before session:ready. Less than this, though, would be a stale head.
   */
  appliedAtConnect: number;
}

/** Message fields every client and the database must agree on (a deleted body is null). */
export interface TimelineEntry {
  id: string;
  seq: number;
  updatedSeq: number;
  clientMsgId: string;
  senderId: string;
  body: string | null;
  deleted: boolean;
}

export function toEntry(message: Message): TimelineEntry {
  return {
    id: message.id,
    seq: message.seq,
    updatedSeq: message.updatedSeq,
    clientMsgId: message.clientMsgId,
    senderId: message.sender.id,
    body: message.body,
    deleted: message.deletedAt !== null,
  };
}

export function newClientMsgId(): string {
  return `f-${randomBytes(9).toString('hex')}`;
}

interface Waiter {
  check: () => boolean;
  wake: () => void;
}

const TIMEOUT_MESSAGE = 'operation has timed out';

/**
 * A chat client for one user that survives faults the way a good real client does: it reconnects to
 * another pod with exponential backoff and jitter, keeps every unacknowledged send in an outbox and
 * resends it with the same clientMsgId after a reconnect, an ack timeout or an UNAVAILABLE ack, applies
 * live events per room, notices gaps, and on every session:ready pages room:sync for rooms that moved.
 * It never polls: if the server does not tell it something moved, it does not find out.
 */
export class ResilientClient {
  readonly rooms = new Map<string, RoomState>();
  readonly outbox = new Map<string, OutboxEntry>();
  readonly emits: EmitRecord[] = [];
  readonly connections: ConnectionRecord[] = [];
  readonly disconnects: DisconnectRecord[] = [];
  readonly connectErrors: ConnectErrorRecord[] = [];
  readonly sessionsClosed: (SessionClosedEvent & { url: string; at: number })[] = [];
  readonly sessionsReady: { url: string; at: number; rooms: SessionReadyEvent['rooms'] }[] = [];
  /** Protocol surprises (e.g. two acks of one clientMsgId naming different messages). */
  readonly anomalies: string[] = [];

  private socket: ClientSocket | null = null;
  private url = '';
  private urlIndex: number;
  private generation = 0;
  private ready = false;
  private stopped = true;
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private connectWatchdog?: NodeJS.Timeout;
  private readonly waiters = new Set<Waiter>();
  private readonly options: Required<Omit<ResilientClientOptions, 'syncLimit' | 'firstUrl'>> & { syncLimit?: number };

  constructor(options: ResilientClientOptions) {
    if (options.urls.length === 0) throw new Error('a client needs at least one URL');
    this.options = {
      ackTimeoutMs: 8_000,
      connectTimeoutMs: 8_000,
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
      ...options,
    };
    this.urlIndex = (options.firstUrl ?? 0) % options.urls.length;
  }

  get label(): string {
    return this.options.label;
  }

  /** True between a session:ready and the next disconnect. */
  get isReady(): boolean {
    return this.ready;
  }

  get currentUrl(): string {
    return this.url;
  }

  /** Opens the first connection (or resumes after goOffline), keeping all state. */
  start(urlIndex?: number): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (urlIndex !== undefined) this.urlIndex = urlIndex % this.options.urls.length;
    this.failures = 0;
    this.connect();
  }

  /** Resolves at the next session:ready (or at once if ready). */
  whenReady(timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(() => this.ready, timeoutMs, 'session:ready');
  }

  /** Closes the connection and stays away (state, outbox and timelines are kept). */
  goOffline(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.dropSocket('offline');
  }

  /** Cuts the current connection as a network failure would; the client reconnects by itself. */
  dropConnection(): void {
    const socket = this.socket;
    if (!socket) return;
    const url = this.url;
    this.onLost(url, 'test cut the connection');
    socket.disconnect();
  }

  /** For good: no reconnects, pending waits fail. */
  stop(): void {
    this.goOffline();
    for (const entry of this.outbox.values()) clearTimeout(entry.retryTimer);
    for (const room of this.rooms.values()) clearTimeout(room.syncRetry);
  }

  /** The raw Socket.IO socket of the current connection (for tests that tamper with the transport). */
  get rawSocket(): ClientSocket | null {
    return this.socket;
  }

  /**
   * Stops (or resumes) reading from the current connection's WebSocket, as a client stuck on a slow
   * network or a frozen tab would: the server's writes pile up in the kernel and then in its own buffers.
   */
  setReading(reading: boolean): void {
    const transport: unknown = this.socket?.io.engine?.transport;
    const ws: unknown = transport !== null && typeof transport === 'object' && 'ws' in transport ? transport.ws : undefined;
    if (ws === null || typeof ws !== 'object' || !('pause' in ws) || !('resume' in ws)) {
      throw new Error(`${this.label}: no pausable WebSocket on the current connection`);
    }
    const { pause, resume } = ws as { pause: unknown; resume: unknown };
    if (typeof pause !== 'function' || typeof resume !== 'function') throw new Error(`${this.label}: WebSocket cannot pause`);
    if (reading) resume.call(ws);
    else pause.call(ws);
  }

  room(roomId: string): RoomState {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = {
        roomId,
        messages: new Map(),
        appliedSeq: 0,
        pendingSeqs: new Set(),
        syncing: false,
        syncAgain: false,
        syncPages: 0,
        syncedMessages: 0,
        gapsDetected: 0,
        newEvents: new Map(),
        announcedLastSeq: 0,
        appliedAtConnect: 0,
      };
      this.rooms.set(roomId, state);
    }
    return state;
  }

  appliedSeq(roomId: string): number {
    return this.rooms.get(roomId)?.appliedSeq ?? 0;
  }

  /** The room's timeline as this client holds it, by seq. */
  timeline(roomId: string): TimelineEntry[] {
    const state = this.rooms.get(roomId);
    if (!state) return [];
    return [...state.messages.values()].map(toEntry).sort((a, b) => a.seq - b.seq);
  }

  /** Sends through the outbox: resolves with the stored message once acknowledged, however many tries it takes. */
  send(roomId: string, body: string, clientMsgId = newClientMsgId()): Promise<Message> {
    if (this.outbox.has(clientMsgId)) throw new Error(`${this.label}: clientMsgId ${clientMsgId} already in the outbox`);
    let settle: (error?: Error) => void = () => undefined;
    const done = new Promise<Message>((resolveSend, rejectSend) => {
      settle = (error?: Error) => {
        if (error) rejectSend(error);
        else if (entry.acked) resolveSend(entry.acked);
      };
    });
    const entry: OutboxEntry = {
      roomId,
      clientMsgId,
      body,
      acked: null,
      ackedIds: [],
      attempts: 0,
      inFlight: false,
      createdAt: Date.now(),
      settle: (error) => settle(error),
      done,
    };
    this.outbox.set(clientMsgId, entry);
    this.emitSend(entry);
    return done;
  }

  /** Sends not acknowledged yet. */
  get unacked(): OutboxEntry[] {
    return [...this.outbox.values()].filter((entry) => entry.acked === null);
  }

  /** Acknowledged sends (one per clientMsgId). */
  get acked(): OutboxEntry[] {
    return [...this.outbox.values()].filter((entry) => entry.acked !== null);
  }

  /** One edit attempt (edits are not idempotent, so they are never retried blindly). */
  async edit(messageId: string, body: string): Promise<Message> {
    const ack = await this.request('message:edit', { messageId, body });
    if (!ack.ok) throw new Error(`${this.label}: edit refused: ${JSON.stringify(ack.error)}`);
    const message = ack.message as Message;
    this.applyEvent(message.roomId, message.updatedSeq, () => this.merge(message));
    return message;
  }

  /** Deletes are idempotent: retried until acknowledged. */
  async delete(messageId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.whenReady(Math.max(1, deadline - Date.now()));
        const ack = await this.request('message:delete', { messageId });
        if (ack.ok) return;
        if (ack.error.code !== 'UNAVAILABLE') throw new Error(`${this.label}: delete refused: ${JSON.stringify(ack.error)}`);
      } catch (error) {
        if (Date.now() > deadline || !/no ack|disconnected|not connected|timed out|session:ready/.test(String(error))) throw error;
      }
      await sleep(200);
    }
  }

  /** True once nothing is in flight: every send acked, no sync running, caught up with the last announced heads. */
  get settled(): boolean {
    if (this.unacked.length > 0 || !this.ready) return false;
    for (const state of this.rooms.values()) {
      if (state.syncing || state.syncAgain || state.pendingSeqs.size > 0) return false;
      if (state.appliedSeq < state.announcedLastSeq) return false;
    }
    return true;
  }

  /** Waits until `check()` holds, re-checking after every event this client processes (and every 250 ms). */
  waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolveWait, reject) => {
      const waiter: Waiter = {
        check,
        wake: () => {
          if (!check()) return;
          finish();
          resolveWait();
        },
      };
      const poll = setInterval(() => waiter.wake(), 250);
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.label}: not "${what}" within ${timeoutMs} ms (${this.describe()})`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  describe(): string {
    const rooms = [...this.rooms.values()]
      .map(
        (r) =>
          `${r.roomId.slice(0, 8)}: applied ${r.appliedSeq}/${r.announcedLastSeq}${r.syncing ? ' syncing' : ''}${r.pendingSeqs.size ? ` pending ${[...r.pendingSeqs].slice(0, 5).join(',')}` : ''}`,
      )
      .join('; ');
    return `ready=${this.ready} url=${this.url} unacked=${this.unacked.length} connects=${this.connections.length} disconnects=${this.disconnects.length} connectErrors=${this.connectErrors.length} rooms[${rooms}]`;
  }

  // --- connection -------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const url = this.options.urls[this.urlIndex];
    if (url === undefined) throw new Error('no url');
    const generation = ++this.generation;
    this.url = url;
    this.ready = false;
    for (const state of this.rooms.values()) state.appliedAtConnect = state.appliedSeq;
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: this.options.connectTimeoutMs,
      auth: { token: this.options.token },
    });
    this.socket = socket;
    const current = () => generation === this.generation && !this.stopped;

    clearTimeout(this.connectWatchdog);
    this.connectWatchdog = setTimeout(() => {
      if (!current() || this.ready) return;
      this.connectErrors.push({ url, code: undefined, message: 'no session:ready in time', at: Date.now() });
      this.onLost(url, 'connect watchdog');
      socket.disconnect();
    }, this.options.connectTimeoutMs);

    socket.on('connect', () => {
      if (!current()) return;
      this.connections.push({ url, at: Date.now() });
    });
    socket.on('connect_error', (error: Error & { data?: Partial<ConnectErrorData> }) => {
      if (!current()) return;
      this.connectErrors.push({ url, code: error.data?.code, message: error.message, at: Date.now() });
      this.onLost(url, `connect_error ${error.data?.code ?? error.message}`);
      socket.disconnect();
    });
    socket.on('disconnect', (reason: string) => {
      if (!current()) return;
      this.onLost(url, reason);
    });
    socket.on('session:ready', (event) => {
      if (!current()) return;
      this.onSessionReady(url, event);
    });
    socket.on('session:closed', (event) => {
      if (!current()) return;
      this.sessionsClosed.push({ ...event, url, at: Date.now() });
    });
    socket.on('message:new', ({ message }) => {
      if (!current()) return;
      const state = this.room(message.roomId);
      state.newEvents.set(message.id, (state.newEvents.get(message.id) ?? 0) + 1);
      this.applyEvent(message.roomId, message.updatedSeq, () => this.merge(message));
    });
    socket.on('message:updated', ({ message }) => {
      if (!current()) return;
      this.applyEvent(message.roomId, message.updatedSeq, () => this.merge(message));
    });
    socket.on('message:deleted', (event) => {
      if (!current()) return;
      this.applyEvent(event.roomId, event.seq, () => this.mergeDelete(event));
    });
  }

  /** The connection is gone (or never came): forget it and schedule the next attempt elsewhere. */
  private onLost(url: string, reason: string): void {
    const wasCurrent = this.socket !== null;
    this.disconnects.push({ url, reason, at: Date.now() });
    this.generation += 1;
    this.ready = false;
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.connectWatchdog);
    socket?.removeAllListeners();
    // Keep the 'disconnect' listener quiet but let pending acks fail (they are marked by generation).
    socket?.disconnect();
    for (const state of this.rooms.values()) clearTimeout(state.syncRetry);
    if (this.stopped || !wasCurrent) return;
    this.failures += 1;
    this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
    const exp = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** Math.min(this.failures - 1, 10));
    const delay = exp / 2 + Math.random() * exp;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.notify();
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    // A paused transport could not finish its close handshake and would linger for ws's close timeout.
    try {
      this.setReading(true);
    } catch {
      // not a WebSocket (yet)
    }
    this.disconnects.push({ url: this.url, reason, at: Date.now() });
    this.generation += 1;
    this.ready = false;
    this.socket = null;
    clearTimeout(this.connectWatchdog);
    socket.removeAllListeners();
    socket.disconnect();
    this.notify();
  }

  private onSessionReady(url: string, event: SessionReadyEvent): void {
    clearTimeout(this.connectWatchdog);
    this.failures = 0;
    this.ready = true;
    this.sessionsReady.push({ url, at: Date.now(), rooms: event.rooms });
    for (const head of event.rooms) {
      const state = this.room(head.id);
      state.announcedLastSeq = head.lastSeq;
      if (head.lastSeq < state.appliedAtConnect) {
        this.anomalies.push(
          `session:ready from ${url} says room ${head.id} is at ${head.lastSeq}, below ${state.appliedAtConnect} applied before connecting`,
        );
      }
      if (head.lastSeq > state.appliedSeq || state.pendingSeqs.size > 0) void this.sync(state);
    }
    for (const entry of this.outbox.values()) {
      if (entry.acked === null && !entry.inFlight) {
        clearTimeout(entry.retryTimer);
        this.emitSend(entry);
      }
    }
    this.notify();
  }

  // --- sends ------------------------------------------------------------------------------

  private emitSend(entry: OutboxEntry): void {
    const socket = this.socket;
    if (!socket || !this.ready || entry.acked !== null || entry.inFlight) return;
    const generation = this.generation;
    const record: EmitRecord = { clientMsgId: entry.clientMsgId, url: this.url, at: Date.now() };
    this.emits.push(record);
    entry.inFlight = true;
    entry.attempts += 1;
    socket
      .timeout(this.options.ackTimeoutMs)
      .emit('message:send', { roomId: entry.roomId, clientMsgId: entry.clientMsgId, body: entry.body }, (error, ack) => {
        entry.inFlight = false;
        record.settledAt = Date.now();
        if (error) {
          record.outcome = error.message === TIMEOUT_MESSAGE ? 'timeout' : 'disconnected';
          // A timeout on a live connection: resend there; otherwise the next session:ready resends.
          if (generation === this.generation && this.ready) this.scheduleResend(entry);
          this.notify();
          return;
        }
        if (ack.ok) {
          record.outcome = 'ok';
          const message = ack.message as Message;
          entry.ackedIds.push(message.id);
          if (entry.acked && entry.acked.id !== message.id) {
            this.anomalies.push(`clientMsgId ${entry.clientMsgId} acked as ${entry.acked.id} and later as ${message.id}`);
          }
          if (!entry.acked) {
            entry.acked = message;
            entry.ackedAt = Date.now();
            clearTimeout(entry.retryTimer);
            this.applyEvent(message.roomId, message.updatedSeq, () => this.merge(message));
            entry.settle();
          }
        } else {
          record.outcome = ack.error.code;
          if (ack.error.code === 'UNAVAILABLE') {
            this.scheduleResend(entry);
          } else {
            this.outbox.delete(entry.clientMsgId);
            entry.settle(new Error(`${this.label}: send refused: ${JSON.stringify(ack.error)}`));
          }
        }
        this.notify();
      });
  }

  private scheduleResend(entry: OutboxEntry): void {
    clearTimeout(entry.retryTimer);
    const exp = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** Math.min(entry.attempts, 10));
    entry.retryTimer = setTimeout(() => this.emitSend(entry), exp / 2 + Math.random() * exp);
  }

  // --- timeline ---------------------------------------------------------------------------

  /** Applies a live event (or an ack) whose timeline seq is `seq`; a jump past appliedSeq + 1 is a gap. */
  private applyEvent(roomId: string, seq: number, merge: () => boolean): void {
    const state = this.room(roomId);
    const known = merge();
    if (seq <= state.appliedSeq) return;
    if (seq === state.appliedSeq + 1 && known) {
      state.appliedSeq = seq;
      this.advance(state);
    } else {
      state.pendingSeqs.add(seq);
      state.gapsDetected += 1;
      void this.sync(state);
    }
    this.notify();
  }

  private advance(state: RoomState): void {
    while (state.pendingSeqs.has(state.appliedSeq + 1)) {
      state.pendingSeqs.delete(state.appliedSeq + 1);
      state.appliedSeq += 1;
    }
    for (const seq of state.pendingSeqs) if (seq <= state.appliedSeq) state.pendingSeqs.delete(seq);
  }

  /** Keeps the newest version of a message (by updatedSeq). */
  private merge(message: Message): boolean {
    const state = this.room(message.roomId);
    const existing = state.messages.get(message.id);
    if (!existing || existing.updatedSeq < message.updatedSeq) state.messages.set(message.id, message);
    return true;
  }

  /** A delete only tombstones a message this client knows; otherwise it is a gap for sync to fill. */
  private mergeDelete(event: MessageDeletedEvent): boolean {
    const state = this.room(event.roomId);
    const existing = state.messages.get(event.messageId);
    if (!existing) return false;
    if (existing.updatedSeq < event.seq) {
      state.messages.set(event.messageId, {
        ...existing,
        body: null,
        deletedAt: existing.deletedAt ?? new Date().toISOString(),
        updatedSeq: event.seq,
      });
    }
    return true;
  }

  /** Pages room:sync from appliedSeq until hasMore is false; runs once per room at a time. */
  private async sync(state: RoomState): Promise<void> {
    if (state.syncing) {
      state.syncAgain = true;
      return;
    }
    if (!this.ready) return;
    state.syncing = true;
    clearTimeout(state.syncRetry);
    try {
      let rounds = 0;
      do {
        rounds += 1;
        if (rounds > 50) {
          this.anomalies.push(`room:sync of ${state.roomId} never reached live seqs ${[...state.pendingSeqs].slice(0, 5).join(',')}`);
          break;
        }
        state.syncAgain = false;
        let after = state.appliedSeq;
        for (;;) {
          const request =
            this.options.syncLimit === undefined
              ? { roomId: state.roomId, afterSeq: after }
              : { roomId: state.roomId, afterSeq: after, limit: this.options.syncLimit };
          const ack = (await this.request('room:sync', request)) as SyncAck;
          if (!ack.ok) throw new Error(`room:sync refused: ${JSON.stringify(ack.error)}`);
          state.syncPages += 1;
          state.syncedMessages += ack.messages.length;
          let previous = after;
          for (const message of ack.messages) {
            if (message.updatedSeq <= previous) {
              this.anomalies.push(`room:sync of ${state.roomId} after ${after} not ascending: ${message.updatedSeq} after ${previous}`);
            }
            previous = message.updatedSeq;
            this.merge(message);
          }
          const last = ack.messages[ack.messages.length - 1];
          if (last) after = Math.max(after, last.updatedSeq);
          // Everything up to `after` is reflected now; with hasMore false, everything up to the head.
          state.appliedSeq = Math.max(state.appliedSeq, ack.hasMore ? after : ack.lastSeq);
          state.announcedLastSeq = Math.max(state.announcedLastSeq, ack.lastSeq);
          this.advance(state);
          this.notify();
          if (!ack.hasMore) break;
          if (ack.messages.length === 0) {
            this.anomalies.push(`room:sync of ${state.roomId} said hasMore with an empty page`);
            break;
          }
        }
      } while (state.syncAgain || state.pendingSeqs.size > 0);
    } catch {
      // Lost connection or an outage: the next session:ready syncs again; on a live connection retry soon.
      if (this.ready) state.syncRetry = setTimeout(() => void this.sync(state), 300 + Math.random() * 300);
    } finally {
      state.syncing = false;
      this.notify();
    }
  }

  /** Emits a request on the current connection and resolves with its ack. */
  private request<E extends 'message:edit' | 'message:delete' | 'room:sync'>(
    name: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<{ ok: true; [key: string]: unknown } | { ok: false; error: { code: string; message: string } }> {
    const socket = this.socket;
    if (!socket || !this.ready) return Promise.reject(new Error(`${this.label}: not connected`));
    const untyped = socket as unknown as Socket;
    return new Promise((resolveAck, reject) => {
      untyped.timeout(this.options.ackTimeoutMs).emit(name, payload, (error: Error | null, ack: unknown) => {
        if (error) reject(new Error(`${this.label}: no ack for ${name}: ${error.message}`));
        else resolveAck(ack as { ok: true });
      });
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}

import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ConnectErrorData, Message, SendMessageAck, ServerToClientEvents, SyncAck } from '@chat/contracts';
import { newClientMsgId } from './resilient-client';
import { sleep } from '@chat/test-harness';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectErrorSeen {
  at: number;
  message: string;
  code: string | undefined;
  /** socket.active right after the error: false means socket.io-client gave up for good. */
  active: boolean;
}

/**
 * A client the way an application uses socket.io-client behind a load balancer: one URL, socket.io's own
 * reconnection (no URL list, no reconnect logic of its own), sends with a clientMsgId that are repeated until
 * acknowledged, and a room:sync from the last known head on every session:ready. It records what a user would
 * notice: refusals, disconnects, sessions, and which messages reached it.
 */
export class BalancedClient {
  readonly socket: ClientSocket;
  readonly connectErrors: ConnectErrorSeen[] = [];
  readonly disconnects: { at: number; reason: string }[] = [];
  readonly sessions: number[] = [];
  /** Every message of the room that reached this client, live or by room:sync, by id. */
  readonly received = new Map<string, Message>();
  /** Acknowledged sends: clientMsgId -> the message the ack named. */
  readonly acked = new Map<string, Message>();
  /** Acks that were errors (other than UNAVAILABLE, which is retried). */
  readonly refusedSends: string[] = [];
  private syncedTo = 0;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private closed = false;

  constructor(
    readonly label: string,
    url: string,
    token: string,
    private readonly roomId: string,
    options: Partial<ManagerOptions & SocketOptions> = {},
  ) {
    this.socket = io(url, { ...options, forceNew: true, auth: { token } });
    this.socket.on('connect_error', (error: Error & { data?: Partial<ConnectErrorData> }) => {
      this.connectErrors.push({ at: Date.now(), message: error.message, code: error.data?.code, active: this.socket.active });
    });
    this.socket.on('disconnect', (reason) => this.disconnects.push({ at: Date.now(), reason }));
    this.socket.on('session:ready', () => {
      this.sessions.push(Date.now());
      void this.sync();
    });
    this.socket.on('message:new', ({ message }) => {
      if (message.roomId === this.roomId) this.received.set(message.id, message);
    });
  }

  /** The Engine.IO transport in use ('polling' or 'websocket'), if connected. */
  get transport(): string | undefined {
    return this.socket.io.engine?.transport?.name;
  }

  /** Resolves once `check()` holds (polled), or rejects after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.closed) throw new Error(`${this.label}: closed while waiting until ${what}`);
      if (Date.now() > deadline) throw new Error(`${this.label}: not ${what} within ${timeoutMs} ms (${this.describe()})`);
      await sleep(50);
    }
  }

  /** Sends one message and repeats it (same clientMsgId) until an ack says ok. */
  async send(body: string, ackTimeoutMs = 4_000): Promise<Message> {
    const clientMsgId = newClientMsgId();
    for (;;) {
      await this.waitFor(() => this.socket.connected, 60_000, 'connected to send');
      let ack: SendMessageAck | undefined;
      try {
        ack = (await this.socket
          .timeout(ackTimeoutMs)
          .emitWithAck('message:send', { roomId: this.roomId, clientMsgId, body })) as SendMessageAck;
      } catch {
        // No ack in time (the connection went away with the send): repeat it.
      }
      if (ack?.ok) {
        this.acked.set(clientMsgId, ack.message);
        return ack.message;
      }
      if (ack && ack.error.code !== 'UNAVAILABLE') {
        this.refusedSends.push(`${clientMsgId}: ${JSON.stringify(ack.error)}`);
        throw new Error(`${this.label}: send refused: ${JSON.stringify(ack.error)}`);
      }
      await sleep(100);
    }
  }

  /** Disconnects for good; waits in progress (a send waiting for a connection) fail. */
  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  describe(): string {
    return (
      `connected=${this.socket.connected} active=${this.socket.active} transport=${this.transport} sessions=${this.sessions.length} ` +
      `disconnects=${this.disconnects.map((d) => d.reason).join(',')} connectErrors=${this.connectErrors.map((e) => e.message).join(',')} ` +
      `received=${this.received.size} acked=${this.acked.size}`
    );
  }

  /** Catches up from the last synced head; a session:ready during a sync runs another one after it. */
  private async sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          for (;;) {
            const ack = (await this.socket
              .timeout(5_000)
              .emitWithAck('room:sync', { roomId: this.roomId, afterSeq: this.syncedTo, limit: 500 })) as SyncAck;
            if (!ack.ok) throw new Error(ack.error.code);
            for (const message of ack.messages) this.received.set(message.id, message);
            const last = ack.messages[ack.messages.length - 1];
            this.syncedTo = ack.hasMore && last ? last.updatedSeq : ack.lastSeq;
            if (!ack.hasMore) break;
          }
        } catch {
          // Connection lost mid-sync: the next session:ready syncs again.
        }
      } while (this.syncAgain);
    })();
    await this.syncing;
    this.syncing = null;
  }
}

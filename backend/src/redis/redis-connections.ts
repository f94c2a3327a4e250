import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import Redis, { RedisOptions } from 'ioredis';

const PROBE_INTERVAL_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;

/**
 * The pod's Redis connections: one for commands, one to publish, one to subscribe (a subscribed
 * connection can do nothing else). Fan-out uses sharded pub/sub (SPUBLISH / SSUBSCRIBE, Redis 7).
 * Errors are logged, never thrown; ioredis reconnects with backoff and re-subscribes. `recovered` fires
 * when the subscriber is back after an outage, so callers can repair what was missed while fan-out was
 * down.
 *
 * A subscriber can also look connected while no longer subscribed (e.g. a proxy or failover dropped
 * its subscriptions). A probe publishes to this pod's own shard channel every few seconds; when it does
 * not come back, the subscriber is reconnected, which re-subscribes and counts as a recovery.
 */
export class RedisConnections {
  readonly command: Redis;
  readonly pub: Redis;
  readonly sub: Redis;
  private readonly events = new EventEmitter();
  private readonly logger = new Logger('Redis');
  private subscriberLost = false;
  private probeTimer?: NodeJS.Timeout;
  private probeSent = 0;
  private probeReceived = 0;
  private readonly probeChannel: string;
  /** Shard channels read by this pod itself (not fan-out), e.g. its ingest outcomes. */
  private readonly direct: { channel: Buffer; listener: (message: Buffer) => void }[] = [];

  constructor(
    url: string,
    probeChannel: string,
    private readonly onReconnect: (role: string) => void = () => undefined,
    /** Every shard-channel message the subscriber receives (the probe's excepted), by channel name. */
    onMessage: (channel: Buffer) => void = () => undefined,
  ) {
    this.probeChannel = probeChannel;
    const probeBytes = Buffer.from(probeChannel);
    const options: RedisOptions = {
      // Commands fail fast during an outage instead of piling up; fan-out is repaired by re-sync.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 5000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 5000) + Math.floor(Math.random() * 250),
    };
    this.command = this.connect(url, 'command', options);
    this.pub = this.connect(url, 'pub', options);
    this.sub = this.connect(url, 'sub', { ...options, maxRetriesPerRequest: null, autoResubscribe: true });
    this.sub.on('close', () => {
      this.subscriberLost = true;
    });
    this.sub.on('ready', () => {
      if (!this.subscriberLost) return;
      this.subscriberLost = false;
      // ioredis re-subscribes on 'ready'; let that land before announcing recovery.
      setTimeout(() => this.events.emit('recovered'), 250);
    });
    this.sub.on('smessageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.equals(probeBytes)) this.probeReceived = Date.now();
      else if (!this.deliverDirect(channel, message)) onMessage(channel);
    });
    this.sub.ssubscribe(this.probeChannel).catch((error: Error) => this.logger.warn(`probe subscribe failed: ${error.message}`));
    this.probeTimer = setInterval(() => this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  private deliverDirect(channel: Buffer, message: Buffer): boolean {
    for (const entry of this.direct) {
      if (!entry.channel.equals(channel)) continue;
      entry.listener(message);
      return true;
    }
    return false;
  }

  /** Reads a shard channel of this pod's own (re-subscribed after reconnects like the adapter's). */
  subscribeDirect(channel: string, listener: (message: Buffer) => void): void {
    this.direct.push({ channel: Buffer.from(channel), listener });
    this.sub.ssubscribe(channel).catch((error: Error) => this.logger.warn(`subscribe to ${channel} failed: ${error.message}`));
  }

  private probe(): void {
    if (this.sub.status !== 'ready' || this.pub.status !== 'ready') return;
    const unanswered = this.probeSent > this.probeReceived && Date.now() - this.probeSent > PROBE_TIMEOUT_MS;
    if (unanswered) {
      this.logger.warn('Subscriber missed its own probe; reconnecting it to restore subscriptions');
      this.probeReceived = this.probeSent;
      this.subscriberLost = true;
      this.sub.disconnect(true);
      return;
    }
    this.probeSent = Date.now();
    this.pub.spublish(this.probeChannel, String(this.probeSent)).catch(() => undefined);
  }

  private connect(url: string, role: string, options: RedisOptions): Redis {
    const client = new Redis(url, { ...options, connectionName: `chat-${role}` });
    client.on('error', (error: Error) => this.logger.warn(`${role} connection: ${error.message}`));
    client.on('reconnecting', () => {
      this.logger.warn(`${role} connection lost, reconnecting`);
      this.onReconnect(role);
    });
    return client;
  }

  onRecovered(listener: () => void): void {
    this.events.on('recovered', listener);
  }

  async close(): Promise<void> {
    if (this.probeTimer) clearInterval(this.probeTimer);
    await Promise.allSettled([this.command, this.pub, this.sub].map((client) => client.quit()));
  }
}

// The load generator, the same for our pods and the peer: socket.io-client sockets that authenticate with the
// product's handshake (`auth: { token }`, plus the room list the peer joins), track the last seq per room, re-sync
// after every session:ready like the web client does, and report every message:new to a Tracker that matches it to
// its send (by clientMsgId) for delivery counts and latencies.
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { sleep } from './cluster.mjs';

export const now = () => performance.now();

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends in flight and done: send time, ack time, expected and received deliveries, delivery latencies. */
export class Tracker {
  constructor(expectedPerRoom) {
    this.tag = randomBytes(3).toString('hex');
    this.expectedPerRoom = expectedPerRoom; // roomId -> member sockets that should receive each message
    this.sends = new Map();
    this.counter = 0;
    this.sent = 0;
    this.acked = 0;
    this.failed = 0;
    this.delivered = 0;
    this.ackLatencies = [];
    this.deliveryLatencies = [];
    this.firstDeliveryLatencies = [];
    this.lastDeliveryAt = 0;
  }

  /** Sends one message from the client into the room; resolves with the ack (never rejects). */
  send(client, roomId) {
    const clientMsgId = `${this.tag}-${this.counter++}`;
    const entry = { t0: now(), roomId, acked: false, received: 0 };
    this.sends.set(clientMsgId, entry);
    this.sent += 1;
    return new Promise((resolve) => {
      client.socket.timeout(30_000).emit('message:send', { roomId, clientMsgId, body: `bench ${clientMsgId}` }, (error, ack) => {
        if (!error && ack?.ok) {
          entry.acked = true;
          this.acked += 1;
          this.ackLatencies.push(now() - entry.t0);
        } else {
          this.failed += 1;
          if (this.failed <= 3) console.error(`  send failed: ${error?.message ?? JSON.stringify(ack?.error)}`);
        }
        resolve(ack);
      });
    });
  }

  onDelivery(message) {
    const entry = this.sends.get(message.clientMsgId);
    if (!entry) return;
    const t = now();
    entry.received += 1;
    this.delivered += 1;
    this.lastDeliveryAt = t;
    this.deliveryLatencies.push(t - entry.t0);
    if (entry.received === 1) this.firstDeliveryLatencies.push(t - entry.t0);
  }

  /** Delivery rate and latency of an open-loop run that started at `start` and offered load for `durationMs`. */
  deliveryStats(start, durationMs) {
    const seconds = (Math.max(this.lastDeliveryAt, start + durationMs) - start) / 1000;
    return {
      perSecond: this.delivered / seconds,
      offered: this.offeredPerSecond,
      p50: percentile(this.deliveryLatencies, 50),
      p99: percentile(this.deliveryLatencies, 99),
    };
  }

  /** Deliveries still missing for acked messages. */
  missing() {
    let missing = 0;
    for (const entry of this.sends.values()) {
      if (entry.acked) missing += Math.max(0, (this.expectedPerRoom.get(entry.roomId) ?? 0) - entry.received);
    }
    return missing;
  }

  expected() {
    let expected = 0;
    for (const entry of this.sends.values()) if (entry.acked) expected += this.expectedPerRoom.get(entry.roomId) ?? 0;
    return expected;
  }

  /** Waits until every acked message reached all its members, nothing changed for quietMs, or maxMs passed. */
  async drain(maxMs = 15_000, quietMs = 3_000) {
    const until = now() + maxMs;
    let last = -1;
    let lastChange = now();
    while (now() < until) {
      const settled = this.acked + this.failed === this.sent;
      if (settled && this.missing() === 0) return;
      if (this.delivered + this.acked !== last) {
        last = this.delivered + this.acked;
        lastChange = now();
      } else if (settled && now() - lastChange > quietMs) return;
      await sleep(100);
    }
  }
}

/** One client socket: user, its rooms, the last seq it applied per room, and when it last caught up. */
export class Client {
  constructor(url, user, { reconnection = false, tracker = null } = {}) {
    this.user = user;
    this.tracker = tracker;
    this.lastSeq = new Map(user.rooms.map((roomId) => [roomId, 0]));
    this.readyCount = 0;
    this.caughtUpAt = 0;
    this.synced = 0;
    this.socket = io(url, {
      auth: { token: user.token, rooms: user.rooms },
      transports: ['websocket'],
      forceNew: true,
      reconnection,
      timeout: 30_000,
    });
    this.socket.on('message:new', ({ message }) => {
      if (message.seq > (this.lastSeq.get(message.roomId) ?? 0)) this.lastSeq.set(message.roomId, message.seq);
      this.tracker?.onDelivery(message);
    });
    this.socket.on('session:ready', (session) => void this.catchUp(session));
    if (reconnection) {
      // As the web client does (frontend/src/app/core/socket-client.ts): socket.io does not retry a hang-up by the
      // server or a refusal by its middleware by itself.
      this.socket.on('disconnect', (reason) => {
        if (reason === 'io server disconnect') this.retryLater(500);
      });
      this.socket.on('connect_error', (error) => {
        if (error.data?.code !== 'UNAUTHORIZED' && !this.socket.active) this.retryLater(5000);
      });
    }
  }

  retryLater(delayMs) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, delayMs);
  }

  /**
   * The contract's recovery: sync every room whose head moved past what this client applied. A failed sync is
   * retried up to 3 times after 1, 2, 3 s, as the web client's timeline store does.
   */
  async catchUp(session) {
    this.readyCount += 1;
    const generation = this.readyCount;
    try {
      for (const room of session.rooms) {
        if (room.lastSeq > (this.lastSeq.get(room.id) ?? 0)) await this.syncRoom(room.id);
      }
      if (generation === this.readyCount) this.caughtUpAt = now();
    } catch (error) {
      this.syncError = error.message;
    }
  }

  async syncRoom(roomId) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        let after = this.lastSeq.get(roomId) ?? 0;
        for (;;) {
          const result = await this.socket.timeout(30_000).emitWithAck('room:sync', { roomId, afterSeq: after, limit: 500 });
          if (!result.ok) throw new Error(`${result.error?.code}: ${result.error?.message}`);
          this.synced += result.messages.length;
          for (const message of result.messages) after = Math.max(after, message.updatedSeq ?? message.seq);
          if (!result.hasMore) {
            after = Math.max(after, result.lastSeq ?? after);
            break;
          }
        }
        if (after > (this.lastSeq.get(roomId) ?? 0)) this.lastSeq.set(roomId, after);
        return;
      } catch (error) {
        this.syncFailures = (this.syncFailures ?? 0) + 1;
        this.lastSyncFailure = error.message;
        if (attempt > 3 || this.closed) throw error;
        await sleep(1000 * attempt);
      }
    }
  }

  /** Resolves at the first session:ready (rooms joined), rejects on connect_error. */
  ready() {
    return new Promise((resolve, reject) => {
      if (this.readyCount > 0) return resolve(this);
      this.socket.once('session:ready', () => resolve(this));
      this.socket.once('connect_error', (error) =>
        reject(new Error(`connect_error: ${error.message} ${JSON.stringify(error.data ?? '')}`)),
      );
    });
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket.io.reconnection(false);
    this.socket.close();
  }
}

/**
 * Connects users[i] to urlFor(i), `concurrency` handshakes at a time, printing progress; answers the clients once
 * every one had its session:ready.
 */
export async function connectAll(users, urlFor, { label, concurrency = 100, ...options }) {
  const clients = new Array(users.length);
  let next = 0;
  let done = 0;
  let lastPrint = now();
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      clients[i] = new Client(urlFor(i), users[i], options);
      await clients[i].ready();
      done += 1;
      if (now() - lastPrint > 2000) {
        lastPrint = now();
        console.log(`  ${label}: connected ${done}/${users.length}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  } catch (error) {
    closeAll(clients);
    throw error;
  }
  console.log(`  ${label}: connected ${done}/${users.length}`);
  return clients;
}

export function closeAll(clients) {
  for (const client of clients) client?.close();
}

/**
 * Open loop: `rate` sends per second for durationMs, paced by the clock and not by acks. pick(n) answers
 * [client, roomId] for the n-th send.
 */
export async function paced(tracker, rate, durationMs, pick, label) {
  const start = now();
  let sent = 0;
  let lastPrint = start;
  for (;;) {
    const elapsed = now() - start;
    // When the generator falls behind (its process is saturated), the sends due so far go out at once.
    const due = Math.floor((rate * Math.min(elapsed, durationMs)) / 1000);
    while (sent < due) {
      const [client, roomId] = pick(sent);
      void tracker.send(client, roomId);
      sent += 1;
    }
    if (elapsed >= durationMs) break;
    if (now() - lastPrint > 2000) {
      lastPrint = now();
      console.log(`  ${label}: sent ${tracker.sent} acked ${tracker.acked} delivered ${tracker.delivered}`);
    }
    await sleep(2);
  }
  const seconds = (now() - start) / 1000;
  tracker.offeredPerSecond = sent / seconds;
  return seconds;
}

/**
 * Unmeasured load before a measured step, the same for both sides: `rate` sends/s for durationMs through a tracker of
 * its own, then drained. The step then measures processes in their steady state: code compiled by the JIT, and the
 * connections' set-up work (session:ready, the clients' catch-up syncs, room subscriptions) done, as in any server
 * that has been up for more than a few seconds. The clients get their previous tracker back.
 */
export async function warmUp(clients, expectedPerRoom, rate, durationMs, pick, label) {
  const tracker = new Tracker(expectedPerRoom);
  const previous = clients.map((client) => client.tracker);
  for (const client of clients) client.tracker = tracker;
  try {
    await paced(tracker, rate, durationMs, pick, `${label} warm-up`);
    await tracker.drain(10_000, 1_000);
  } finally {
    clients.forEach((client, i) => (client.tracker = previous[i]));
  }
  await sleep(500);
}

/** Closed loop: every sender keeps `inFlight` sends outstanding until durationMs passed. */
export async function closedLoop(tracker, senders, inFlight, durationMs, label) {
  const start = now();
  const deadline = start + durationMs;
  const progress = setInterval(() => console.log(`  ${label}: acked ${tracker.acked} failed ${tracker.failed}`), 2000);
  try {
    await Promise.all(
      senders.flatMap(([client, roomId]) =>
        Array.from({ length: inFlight }, async () => {
          while (now() < deadline) await tracker.send(client, roomId);
        }),
      ),
    );
  } finally {
    clearInterval(progress);
  }
  return (now() - start) / 1000;
}

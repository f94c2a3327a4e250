// 1. ack-latency: one sender and one receiver on the other pod, idle system, one send at a time. Send→ack p50/p99 and
// send→delivery p50, against a bare PostgreSQL `BEGIN; INSERT; COMMIT` round trip measured interleaved in the same run.
// The kafka scenario uses the same probe against our pods in both write modes.
import { sleep } from '../lib/cluster.mjs';
import { closeAll, connectAll, now, percentile, Tracker } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'ack-latency';

/** A sender on pods[0] and the other member of its room on pods[1], sending one message at a time. */
export class AckProbe {
  static async start(bench, pods, label) {
    const world = makeWorld(bench.jwtSecret, 2, [[0, 1]]);
    await insertWorld(bench.db, world);
    const room = world.rooms[0].id;
    const tracker = new Tracker(new Map([[room, 2]]));
    const clients = await connectAll(world.users, (i) => pods[i].url, { label, tracker });
    return new AckProbe(room, tracker, clients);
  }

  constructor(room, tracker, [sender, receiver]) {
    this.room = room;
    this.tracker = tracker;
    this.sender = sender;
    this.receiver = receiver;
    // The receiver's copy, on the other pod (the sender's own copy is not counted here).
    this.crossPod = [];
    receiver.socket.on('message:new', ({ message }) => {
      const entry = tracker.sends.get(message.clientMsgId);
      if (entry) this.crossPod.push(now() - entry.t0);
    });
    this.warmAcks = 0;
    this.warmDeliveries = 0;
  }

  /** 20 sends that acks() and deliveries() leave out. */
  async warmUp() {
    for (let i = 0; i < 20; i += 1) await this.tracker.send(this.sender, this.room);
    await sleep(200);
    this.warmAcks = this.tracker.ackLatencies.length;
    this.warmDeliveries = this.crossPod.length;
  }

  /** One send; waits until both sockets have it (at most 2 s), then 5 ms more. */
  async sendOne() {
    const delivered = this.tracker.delivered;
    await this.tracker.send(this.sender, this.room);
    const until = now() + 2000;
    while (this.tracker.delivered < delivered + 2 && now() < until) await sleep(1);
    await sleep(5);
  }

  acks() {
    return this.tracker.ackLatencies.slice(this.warmAcks);
  }

  deliveries() {
    return this.crossPod.slice(this.warmDeliveries);
  }

  /** Every send acked and delivered to both sockets. */
  get complete() {
    return this.tracker.missing() === 0 && !this.tracker.failed;
  }

  close() {
    closeAll([this.sender, this.receiver]);
  }
}

export async function run({ bench, report, smoke }) {
  const samples = smoke ? 100 : 500;
  const probe = await AckProbe.start(bench, await bench.ours.ensure(2), 'ack-latency ours');
  await bench.db.query('CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, body text NOT NULL)');
  const commit = await bench.db.connect();
  const commits = [];
  try {
    for (let i = 0; i < 20; i += 1) await commit.query(`BEGIN; INSERT INTO bench_commit (body) VALUES ('warm-up'); COMMIT`);
    await probe.warmUp();
    for (let i = 0; i < samples; i += 1) {
      const t0 = now();
      await commit.query(`BEGIN; INSERT INTO bench_commit (body) VALUES ('bench message body'); COMMIT`);
      commits.push(now() - t0);
      await probe.sendOne();
      if (i % 100 === 99) console.log(`  ack-latency: ${i + 1}/${samples} sends`);
    }
    const acks = probe.acks();
    const commitP50 = percentile(commits, 50);
    const commitP99 = percentile(commits, 99);
    report.ratio(name, 'send→ack p50 vs bare commit p50', percentile(acks, 50), commitP50, 'ms', { max: 3 });
    report.ratio(name, 'send→ack p99 vs bare commit p99', percentile(acks, 99), commitP99, 'ms', { max: 7 });
    report.ratio(name, 'send→delivery (other pod) p50 vs bare commit p50', percentile(probe.deliveries(), 50), commitP50, 'ms', {
      max: 4,
    });
    const { tracker } = probe;
    report.check(name, 'acked and delivered to both sockets', `${tracker.acked}/${tracker.sent}`, '–', probe.complete, 'all');
  } finally {
    commit.release();
    probe.close();
  }
}

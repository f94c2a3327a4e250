// 1. ack-latency: one sender and one receiver on the other pod, idle system, one send at a time. Send→ack p50/p99 and
// send→delivery p50, against a bare PostgreSQL `BEGIN; INSERT; COMMIT` round trip measured interleaved in the same run.
import { sleep } from '../lib/cluster.mjs';
import { closeAll, connectAll, now, percentile, Tracker } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'ack-latency';

export async function run({ bench, report, smoke }) {
  const samples = smoke ? 100 : 500;
  const pods = await bench.ours.ensure(2);
  const world = makeWorld(bench.jwtSecret, 2, [[0, 1]]);
  await insertWorld(bench.db, world);
  const room = world.rooms[0].id;
  const tracker = new Tracker(new Map([[room, 2]]));
  const [sender, receiver] = await connectAll(world.users, (i) => pods[i].url, { label: 'ack-latency ours', tracker });
  await bench.db.query('CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, body text NOT NULL)');
  const crossPod = [];
  receiver.socket.on('message:new', ({ message }) => {
    const entry = tracker.sends.get(message.clientMsgId);
    if (entry) crossPod.push(now() - entry.t0);
  });
  const commit = await bench.db.connect();
  const commits = [];
  try {
    for (let i = 0; i < 20; i += 1) await commit.query(`BEGIN; INSERT INTO bench_commit (body) VALUES ('warm-up'); COMMIT`);
    for (let i = 0; i < 20; i += 1) await tracker.send(sender, room);
    await sleep(200);
    const warm = tracker.ackLatencies.length;
    const warmDeliveries = crossPod.length;
    for (let i = 0; i < samples; i += 1) {
      const t0 = now();
      await commit.query(`BEGIN; INSERT INTO bench_commit (body) VALUES ('bench message body'); COMMIT`);
      commits.push(now() - t0);
      const delivered = tracker.delivered;
      await tracker.send(sender, room);
      const until = now() + 2000;
      while (tracker.delivered < delivered + 2 && now() < until) await sleep(1);
      await sleep(5);
      if (i % 100 === 99) console.log(`  ack-latency: ${i + 1}/${samples} sends`);
    }
    const acks = tracker.ackLatencies.slice(warm);
    // The receiver's copy, on the other pod (the sender's own copy is not counted here).
    const deliveries = crossPod.slice(warmDeliveries);
    const commitP50 = percentile(commits, 50);
    const commitP99 = percentile(commits, 99);
    report.ratio(name, 'send→ack p50 vs bare commit p50', percentile(acks, 50), commitP50, 'ms', { max: 3 });
    report.ratio(name, 'send→ack p99 vs bare commit p99', percentile(acks, 99), commitP99, 'ms', { max: 7 });
    report.ratio(name, 'send→delivery (other pod) p50 vs bare commit p50', percentile(deliveries, 50), commitP50, 'ms', { max: 4 });
    report.check(
      name,
      'acked and delivered to both sockets',
      `${tracker.acked}/${tracker.sent}`,
      '–',
      tracker.missing() === 0 && !tracker.failed,
      'all',
    );
  } finally {
    commit.release();
    closeAll([sender, receiver]);
  }
}

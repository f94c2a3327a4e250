// 3. many-rooms: 2,000 users in 200 rooms of 10 over 2 pods, 1,000 sends/s offered (open loop) by random members,
// after an unmeasured warm-up at that rate (warmUp).
// Deliveries/s and delivery latency vs the peer, and nothing lost: every acked message reached every member socket.
import { forBoth } from '../lib/both.mjs';
import { closeAll, connectAll, now, paced, Tracker, warmUp } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'many-rooms';

export async function run({ bench, report, smoke }) {
  const userCount = smoke ? 200 : 2000;
  const roomSize = 10;
  const rate = smoke ? 300 : 1000;
  const durationMs = smoke ? 1500 : 10_000;
  const warmUpMs = smoke ? 500 : 3000;
  const roomMembers = Array.from({ length: userCount / roomSize }, (_, r) => Array.from({ length: roomSize }, (_, m) => r * roomSize + m));
  const world = makeWorld(bench.jwtSecret, userCount, roomMembers);
  await insertWorld(bench.db, world);
  const expected = new Map(world.rooms.map((room) => [room.id, roomSize]));
  const results = await forBoth(bench, 2, async (kind, procs) => {
    const tracker = new Tracker(expected);
    const clients = await connectAll(world.users, (i) => procs[i % 2].url, { label: `many-rooms ${kind}`, tracker });
    try {
      const label = `many-rooms ${kind} ${rate}/s`;
      // A pseudo-random member sends; over the run every room gets about the same share.
      const pick = (n) => {
        const user = (n * 7919) % userCount;
        return [clients[user], world.users[user].rooms[0]];
      };
      await warmUp(clients, expected, rate, warmUpMs, pick, label);
      const start = now();
      await paced(tracker, rate, durationMs, pick, label);
      await tracker.drain(smoke ? 3000 : 15_000);
      const result = {
        ...tracker.deliveryStats(start, durationMs),
        sent: tracker.sent,
        acked: tracker.acked,
        failed: tracker.failed,
        expected: tracker.expected(),
        missing: tracker.missing(),
      };
      console.log(
        `  ${label}: ${result.sent} sent (${result.offered.toFixed(0)}/s), ${result.acked} acked, ${tracker.delivered}/${result.expected} delivered` +
          ` ${result.perSecond.toFixed(0)}/s p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms`,
      );
      return result;
    } finally {
      closeAll(clients);
    }
  });
  const { ours, peer } = results;
  report.ratio(name, `deliveries/s @${rate}/s`, ours.perSecond, peer.perSecond, '/s', { min: 0.95 });
  report.slack(name, 'delivery p50', ours.p50, peer.p50, 'ms', 5);
  report.slack(name, 'delivery p99', ours.p99, peer.p99, 'ms', 0);
  report.note(name, 'sends/s the generator achieved', ours.offered, peer.offered, `${rate}/s`);
  report.check(
    name,
    'nothing lost (acked → every member socket)',
    `${ours.missing} of ${ours.expected} missing, ${ours.failed} send errors`,
    `${peer.missing} of ${peer.expected} missing`,
    ours.missing === 0 && ours.failed === 0,
  );
}

// 2. hot-room: one room of 200 members spread over 2 pods, 10 of them sending at a paced (open-loop) rate of 200,
// 500 and 1,000 sends/s, each step after an unmeasured warm-up at its rate (warmUp). Deliveries/s, delivery latency p50/p99 and the pods' CPU per 1,000 deliveries, ours vs the
// peer (2 peer processes on the same Redis).
import { sleep } from '../lib/cluster.mjs';
import { fleetCpuMs } from '../lib/both.mjs';
import { closeAll, connectAll, now, paced, Tracker, warmUp } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'hot-room';

export async function run({ bench, report, smoke }) {
  const members = smoke ? 40 : 200;
  const senderCount = 10;
  const rates = smoke ? [200] : [200, 500, 1000];
  const durationMs = smoke ? 1500 : 10_000;
  const warmUpMs = smoke ? 500 : 3000;
  const world = makeWorld(bench.jwtSecret, members, [Array.from({ length: members }, (_, i) => i)]);
  await insertWorld(bench.db, world);
  const room = world.rooms[0].id;
  // Both sides stay connected and the steps alternate (ours then peer, then peer then ours at the next rate), so
  // that the two sides of a ratio are measured seconds apart, not minutes, on a machine shared with other work.
  const sides = {};
  for (const kind of ['ours', 'peer']) {
    const procs = await bench.fleet(kind).ensure(2);
    sides[kind] = { procs, clients: await connectAll(world.users, (i) => procs[i % 2].url, { label: `hot-room ${kind}` }) };
  }
  const results = { ours: [], peer: [] };
  try {
    for (const [index, rate] of rates.entries()) {
      for (const kind of index % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
        const { procs, clients } = sides[kind];
        await sleep(1000);
        const pick = (n) => [clients[n % senderCount], room];
        const label = `hot-room ${kind} ${rate}/s`;
        await warmUp(clients, new Map([[room, members]]), rate, warmUpMs, pick, label);
        const tracker = new Tracker(new Map([[room, members]]));
        for (const client of clients) client.tracker = tracker;
        const cpu0 = fleetCpuMs(procs);
        const start = now();
        await paced(tracker, rate, durationMs, pick, label);
        await tracker.drain(smoke ? 3000 : 15_000);
        const cpu = fleetCpuMs(procs) - cpu0;
        for (const client of clients) client.tracker = null;
        const step = {
          ...tracker.deliveryStats(start, durationMs),
          cpuPer1k: cpu / (tracker.delivered / 1000),
          missing: tracker.missing(),
        };
        console.log(
          `  ${label}: ${tracker.sent} sent (${step.offered.toFixed(0)}/s), ${tracker.acked} acked, ${tracker.delivered} delivered (${step.missing} missing)` +
            ` ${step.perSecond.toFixed(0)}/s p50 ${step.p50.toFixed(1)} ms p99 ${step.p99.toFixed(1)} ms cpu ${step.cpuPer1k.toFixed(1)} ms/1k`,
        );
        results[kind][index] = step;
      }
    }
  } finally {
    for (const side of Object.values(sides)) closeAll(side.clients);
  }
  for (let i = 0; i < rates.length; i += 1) {
    const ours = results.ours[i];
    const peer = results.peer[i];
    const at = `@${rates[i]}/s`;
    report.ratio(name, `deliveries/s ${at}`, ours.perSecond, peer.perSecond, '/s', { min: 0.95 });
    report.slack(name, `delivery p50 ${at}`, ours.p50, peer.p50, 'ms', 5);
    report.slack(name, `delivery p99 ${at}`, ours.p99, peer.p99, 'ms', 0);
    report.ratio(name, `pod CPU per 1,000 deliveries ${at}`, ours.cpuPer1k, peer.cpuPer1k, 'ms', { max: 1 });
    report.note(name, `sends/s the generator achieved ${at}`, ours.offered, peer.offered, `${rates[i]}/s`);
    report.note(name, `undelivered after drain ${at} (not checked)`, ours.missing, peer.missing);
  }
}

// 6. interest: 4 pods, each room's members all on one pod; room events are published and every pod's share of all
// room events that it received from Redis is read from its own counter (ours: chat_fanout_received_total on
// /metrics; the peer: peer_adapter_received_total). Target: at most 30% on every pod. The classic adapter gets 100%.
import { metricValue, sleep } from '../lib/cluster.mjs';
import { forBoth } from '../lib/both.mjs';
import { closeAll, connectAll, Tracker } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'interest';

const COUNTERS = { ours: 'chat_fanout_received_total', peer: 'peer_adapter_received_total' };

export async function run({ bench, report, smoke }) {
  const pods = 4;
  const roomsPerPod = smoke ? 3 : 10;
  const roomSize = 5;
  const messagesPerRoom = smoke ? 5 : 20;
  const roomMembers = Array.from({ length: pods * roomsPerPod }, (_, r) => Array.from({ length: roomSize }, (_, m) => r * roomSize + m));
  const world = makeWorld(bench.jwtSecret, pods * roomsPerPod * roomSize, roomMembers);
  await insertWorld(bench.db, world);
  // Room r lives on pod r % 4: all its members connect there.
  const podOf = (userIndex) => Math.floor(userIndex / roomSize) % pods;
  const expected = new Map(world.rooms.map((room) => [room.id, roomSize]));
  const results = await forBoth(bench, pods, async (kind, procs) => {
    const tracker = new Tracker(expected);
    const clients = await connectAll(world.users, (i) => procs[podOf(i)].url, { label: `interest ${kind}`, tracker });
    try {
      await sleep(500);
      const read = () => Promise.all(procs.map((proc) => metricValue(proc.url, COUNTERS[kind])));
      const before = await read();
      if (before.some((value) => value === null)) {
        console.log(`  interest ${kind}: ${COUNTERS[kind]} missing on /metrics`);
        return null;
      }
      // Sequential rounds over all rooms, a first member of each room sending; waits for acks.
      for (let round = 0; round < messagesPerRoom; round += 1) {
        await Promise.all(world.rooms.map((room) => tracker.send(clients[room.members[0]], room.id)));
      }
      await tracker.drain(5000, 1000);
      await sleep(500);
      const after = await read();
      const fractions = after.map((value, i) => (value - before[i]) / tracker.acked);
      console.log(
        `  interest ${kind}: ${tracker.acked} room events; per pod received ${after.map((v, i) => v - before[i]).join(', ')}` +
          ` = ${fractions.map((f) => `${(f * 100).toFixed(0)}%`).join(', ')}`,
      );
      return Math.max(...fractions);
    } finally {
      closeAll(clients);
    }
  });
  await bench.ours.ensure(2);
  await bench.peer.ensure(2);
  const metric = 'max per-pod share of room events received from Redis (4 pods)';
  if (results.ours === null) {
    report.add({
      scenario: name,
      metric,
      ours: 'n/a (counter missing)',
      baseline: results.peer === null ? 'n/a' : `${(results.peer * 100).toFixed(0)}%`,
      ratio: '–',
      target: '≤ 30%',
      verdict: 'n/a',
    });
    return;
  }
  const pct = (value) => (value === null ? null : value * 100);
  report.absolute(name, metric, pct(results.ours), pct(results.peer), '%', { max: 30 });
}

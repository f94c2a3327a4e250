// 5. idle-sockets: N authenticated sockets on one pod, each user in 3 rooms; RSS per idle socket =
// (RSS after − RSS before) / N, both read from /proc after the process settled, on freshly started processes.
// Same for the peer.
import { rssBytes, sleep } from '../lib/cluster.mjs';
import { forBoth } from '../lib/both.mjs';
import { closeAll, connectAll } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'idle-sockets';

export async function run({ bench, report, smoke }) {
  const count = smoke ? 500 : 5000;
  const warmUp = 200; // connected (and kept) before the first reading, so start-up allocations are not counted
  const settleMs = smoke ? 1000 : 8000;
  const total = count + warmUp;
  const roomCount = total / 5; // 3 memberships per user: rooms of about 15
  const roomMembers = Array.from({ length: roomCount }, () => []);
  for (let i = 0; i < total; i += 1) {
    for (const r of new Set([i % roomCount, (i * 7 + 1) % roomCount, (i * 13 + 2) % roomCount])) roomMembers[r].push(i);
  }
  const world = makeWorld(bench.jwtSecret, total, roomMembers);
  await insertWorld(bench.db, world);
  // Fresh processes with the inspector on, so that both readings follow a full garbage collection.
  // (The smoke run skips the restarts: its figures only show that the scenario runs.)
  if (!smoke) {
    await Promise.all([bench.ours.ensure(0), bench.peer.ensure(0)]);
    bench.ours.inspect = bench.peer.inspect = true;
  }
  let collected = true;
  const settle = async (fleet, pod) => {
    await sleep(settleMs);
    collected = (await fleet.collectGarbage(pod)) && collected;
    await sleep(500);
  };
  const results = await forBoth(bench, 2, async (kind, procs) => {
    const pod = procs[0];
    const warm = await connectAll(world.users.slice(count), () => pod.url, { label: `idle-sockets ${kind} warm-up` });
    await settle(bench.fleet(kind), pod);
    const before = rssBytes(pod.pid);
    const clients = await connectAll(world.users.slice(0, count), () => pod.url, { label: `idle-sockets ${kind}` });
    try {
      console.log(`  idle-sockets ${kind}: settling ${settleMs / 1000} s${smoke ? '' : ', then a full GC'}`);
      await settle(bench.fleet(kind), pod);
      const after = rssBytes(pod.pid);
      const perSocket = (after - before) / count / 1024;
      console.log(
        `  idle-sockets ${kind}: RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB, ${perSocket.toFixed(1)} KiB per socket`,
      );
      return perSocket;
    } finally {
      closeAll(clients);
      closeAll(warm);
      await sleep(1000);
    }
  });
  // Later scenarios get processes without the inspector.
  if (!smoke) {
    bench.ours.inspect = bench.peer.inspect = false;
    await Promise.all([bench.ours.ensure(0), bench.peer.ensure(0)]);
  }
  if (!collected && !smoke) console.log('  idle-sockets: could not trigger a GC through the inspector; readings are after settling only');
  report.absolute(name, `RSS per idle socket (${count} sockets, 1 pod)`, results.ours, results.peer, 'KiB', { max: 15 });
}

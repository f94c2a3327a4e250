// 5. idle-sockets: N authenticated sockets on one pod, each user in 3 rooms; RSS per idle socket =
// (RSS after − RSS before) / N, both read from /proc after the process settled. Same for the peer.
import { rssBytes, sleep } from '../lib/cluster.mjs';
import { forBoth } from '../lib/both.mjs';
import { closeAll, connectAll } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'idle-sockets';

export async function run({ bench, report, smoke }) {
  const count = smoke ? 500 : 5000;
  const settleMs = smoke ? 1000 : 8000;
  const roomCount = count / 5; // 3 memberships per user: rooms of about 15
  const roomMembers = Array.from({ length: roomCount }, () => []);
  for (let i = 0; i < count; i += 1) {
    for (const r of new Set([i % roomCount, (i * 7 + 1) % roomCount, (i * 13 + 2) % roomCount])) roomMembers[r].push(i);
  }
  const world = makeWorld(bench.jwtSecret, count, roomMembers);
  await insertWorld(bench.db, world);
  const results = await forBoth(bench, 2, async (kind, procs) => {
    const pod = procs[0];
    await sleep(settleMs);
    const before = rssBytes(pod.pid);
    const clients = await connectAll(world.users, () => pod.url, { label: `idle-sockets ${kind}` });
    try {
      console.log(`  idle-sockets ${kind}: settling ${settleMs / 1000} s`);
      await sleep(settleMs);
      const after = rssBytes(pod.pid);
      const perSocket = (after - before) / count / 1024;
      console.log(
        `  idle-sockets ${kind}: RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB, ${perSocket.toFixed(1)} KiB per socket`,
      );
      return perSocket;
    } finally {
      closeAll(clients);
      await sleep(1000);
    }
  });
  report.absolute(name, `RSS per idle socket (${count} sockets, 1 pod)`, results.ours, results.peer, 'KiB', { max: 15 });
}

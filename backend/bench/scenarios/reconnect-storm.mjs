// 7. reconnect-storm: N sockets (reconnection on) on one pod of 2; the pod is SIGKILLed, and its clients reconnect
// to the surviving pod (their manager's URL is switched to it). While they are away a message is sent into every
// room; each client re-syncs on session:ready (room:sync per room that moved). Measures the time from the kill
// until all N are reconnected and until all N caught up. Target < 10 s. Peer: the same, its sync is empty.
import { sleep } from '../lib/cluster.mjs';
import { closeAll, connectAll, now, Client, Tracker } from '../lib/load.mjs';
import { insertWorld, makeWorld } from '../lib/seed.mjs';

export const name = 'reconnect-storm';

export async function run({ bench, report, smoke }) {
  const count = smoke ? 300 : 5000;
  const roomCount = count / 10; // each user in 2 rooms of about 20
  const limitMs = smoke ? 30_000 : 60_000;
  const roomMembers = Array.from({ length: roomCount }, () => []);
  for (let i = 0; i < count; i += 1) {
    roomMembers[i % roomCount].push(i);
    roomMembers[(i + Math.floor(roomCount / 2)) % roomCount].push(i);
  }
  // One more user, member of every room, sends while the others are away.
  for (const members of roomMembers) members.push(count);
  const world = makeWorld(bench.jwtSecret, count + 1, roomMembers);
  await insertWorld(bench.db, world);
  const results = {};
  for (const kind of ['ours', 'peer']) {
    const fleet = bench.fleet(kind);
    const procs = await fleet.ensure(2);
    const [victim, survivor] = procs;
    const label = `reconnect-storm ${kind}`;
    const clients = await connectAll(world.users.slice(0, count), () => victim.url, { label, reconnection: true, concurrency: 50 });
    const sender = new Client(survivor.url, world.users[count], { tracker: new Tracker(new Map()) });
    await sender.ready();
    try {
      for (const client of clients) client.socket.io.uri = survivor.url;
      const readyBefore = clients.map((client) => client.readyCount);
      console.log(`  ${label}: SIGKILL ${victim.name} with ${count} sockets`);
      const t0 = now();
      await fleet.kill(0);
      // A message into every room while the clients are away: they have to catch up on it.
      // Clients count as caught up only once every one of these is acked (its seq is the room's head).
      const heads = new Map();
      for (const room of world.rooms) {
        void sender.tracker.send(sender, room.id).then((ack) => {
          if (ack?.ok) heads.set(room.id, ack.message.seq);
        });
      }
      let reconnectedAt = 0;
      let caughtUpAt = 0;
      let lastPrint = now();
      while (now() - t0 < limitMs) {
        const reconnected = clients.filter((client, i) => client.readyCount > readyBefore[i]).length;
        const caughtUp =
          heads.size < world.rooms.length
            ? 0
            : clients.filter(
                (client, i) =>
                  client.readyCount > readyBefore[i] &&
                  client.caughtUpAt > t0 &&
                  client.user.rooms.every((id) => (client.lastSeq.get(id) ?? 0) >= (heads.get(id) ?? 0)),
              ).length;
        if (reconnected === count && !reconnectedAt) reconnectedAt = now();
        if (caughtUp === count) {
          caughtUpAt = now();
          break;
        }
        if (now() - lastPrint > 2000) {
          lastPrint = now();
          console.log(
            `  ${label}: ${((now() - t0) / 1000).toFixed(1)} s: ${reconnected}/${count} reconnected, ${caughtUp}/${count} caught up`,
          );
        }
        await sleep(50);
      }
      const synced = clients.reduce((sum, client) => sum + client.synced, 0);
      // Why clients are not caught up: their sync failed for good, or they finished catching up (per the
      // session:ready they got) and yet miss a room's head, i.e. a live message:new never reached them.
      const behind = (client) => client.user.rooms.some((id) => (client.lastSeq.get(id) ?? 0) < (heads.get(id) ?? 0));
      const failedSync = clients.filter((client) => client.syncError).length;
      const missedLive = clients.filter((client) => !client.syncError && client.caughtUpAt > t0 && behind(client)).length;
      const retried = clients.reduce((sum, client) => sum + (client.syncFailures ?? 0), 0);
      if (failedSync || missedLive || retried) {
        console.log(
          `  ${label}: ${failedSync} clients' sync failed for good (e.g. ${clients.find((c) => c.syncError)?.syncError ?? '–'}),` +
            ` ${missedLive} finished their catch-up yet miss a head (a live message:new never arrived), ${retried} sync retries (e.g. ${clients.find((c) => c.lastSyncFailure)?.lastSyncFailure ?? '–'})`,
        );
      }
      const result = {
        reconnect: reconnectedAt ? (reconnectedAt - t0) / 1000 : null,
        caughtUp: caughtUpAt ? (caughtUpAt - t0) / 1000 : null,
        reconnected: clients.filter((client, i) => client.readyCount > readyBefore[i]).length,
        caughtUpCount: clients.filter((client) => client.caughtUpAt > t0).length,
        limit: limitMs / 1000,
        synced,
      };
      console.log(
        `  ${label}: all reconnected after ${result.reconnect?.toFixed(2) ?? `> ${limitMs / 1000}`} s, caught up after ${result.caughtUp?.toFixed(2) ?? `> ${limitMs / 1000}`} s (${synced} messages synced)`,
      );
      results[kind] = result;
    } finally {
      sender.close();
      closeAll(clients);
      await sleep(1000);
    }
  }
  const { ours, peer } = results;
  const shown = (seconds, done, r) => seconds ?? `> ${r.limit} s (${done}/${count})`;
  report.absolute(
    name,
    `all ${count} reconnected (s after SIGKILL)`,
    shown(ours.reconnect, ours.reconnected, ours),
    shown(peer.reconnect, peer.reconnected, peer),
    's',
    { max: 10 },
  );
  report.absolute(
    name,
    `all ${count} reconnected and caught up (s)`,
    shown(ours.caughtUp, ours.caughtUpCount, ours),
    shown(peer.caughtUp, peer.caughtUpCount, peer),
    's',
    { max: 10 },
  );
  // Restore the 2-pod fleets for any scenario that follows.
  await bench.ours.ensure(2);
  await bench.peer.ensure(2);
}

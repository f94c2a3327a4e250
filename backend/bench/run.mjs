// The performance suite: starts our pods (on a fresh bench database) and the peer (peer-server.mjs: Socket.IO with the
// classic Redis adapter), runs the scenarios against both with one load generator and prints a table of ratios.
//   npm run bench                          all scenarios
//   npm run bench -- hot-room many-rooms   some of them
//   npm run bench -- --smoke               ~30-second reduced run (CI)
//   npm run bench -- --list                scenario names
// Needs a built backend (npx nx run backend:build), PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379
// (BENCH_PG / BENCH_REDIS override); the kafka scenario also Java 17+ (and Maven the first time, to fetch the
// broker's jars, as the test suites do). Exit code 0 whatever the verdicts; 1 when the bench itself fails or a
// correctness check (nothing lost) fails.
import { existsSync } from 'node:fs';
import { Bench, MAIN } from './lib/cluster.mjs';
import { Report } from './lib/report.mjs';
import * as ackLatency from './scenarios/ack-latency.mjs';
import * as hotRoom from './scenarios/hot-room.mjs';
import * as idleSockets from './scenarios/idle-sockets.mjs';
import * as interest from './scenarios/interest.mjs';
import * as kafka from './scenarios/kafka.mjs';
import * as manyRooms from './scenarios/many-rooms.mjs';
import * as reconnectStorm from './scenarios/reconnect-storm.mjs';
import * as throughput from './scenarios/throughput.mjs';

const scenarios = [ackLatency, hotRoom, manyRooms, throughput, idleSockets, interest, reconnectStorm, kafka];

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
if (args.includes('--list')) {
  for (const scenario of scenarios) console.log(scenario.name);
  process.exit(0);
}
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
if (!existsSync(MAIN)) {
  console.error(`${MAIN} is missing: build the backend first (npx nx run backend:build)`);
  process.exit(2);
}
const selected = names.length ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;

const bench = new Bench();
const report = new Report();
let cleaning = null;
const cleanup = () => (cleaning ??= bench.cleanup());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping pods and the Kafka broker, dropping ${bench.dbName}, deleting bench Redis keys`);
    void cleanup().finally(() => process.exit(130));
  });
}

const started = performance.now();
let failure = null;
try {
  console.log(
    `bench: ${selected.map((s) => s.name).join(', ')}${smoke ? ' (smoke)' : ''}; database ${bench.dbName}, logs in ${bench.logDir}`,
  );
  await bench.init();
  // The pods run the migrations; scenarios insert their users and rooms after that.
  await Promise.all([bench.ours.ensure(2), bench.peer.ensure(2)]);
  for (const scenario of selected) {
    const t0 = performance.now();
    console.log(`\n[${scenario.name}] starting`);
    await scenario.run({ bench, report, smoke });
    console.log(`[${scenario.name}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} catch (error) {
  failure = error;
  console.error(`\nbench failed: ${error.stack ?? error}`);
} finally {
  await cleanup();
}

console.log(`\n${report.table()}\n`);
console.log(`node backend/bench/run.mjs ${args.join(' ')}`.trim() + ` — ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (report.failed) console.error('A correctness check failed (see FAIL rows).');
process.exit(failure || report.failed ? 1 : 0);

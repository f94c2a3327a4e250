// Back-to-back GETs of one URL over several keep-alive connections, as a monitoring client or a balancer's
// connection pool sends them, until SIGTERM; then one JSON line of counts on stdout. Its own process, so the
// next request follows the previous response at once whatever the test process is busy with.
//   node keep-alive-load.mjs <url> <connections>      SIGUSR2 marks a moment; responses after it are counted apart.
import { Agent, get } from 'node:http';

const url = new URL(process.argv[2]);
const connections = Number(process.argv[3] ?? 8);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const counts = { responses: 0, afterMark: 0, withConnectionClose: 0, errors: 0 };
let marked = false;

process.on('SIGUSR2', () => {
  marked = true;
});
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(counts)}\n`, () => process.exit(0));
});

function once() {
  return new Promise((done) => {
    const req = get(url, { agent }, (res) => {
      counts.responses += 1;
      if (marked) counts.afterMark += 1;
      if (res.headers.connection === 'close') counts.withConnectionClose += 1;
      res.resume();
      res.on('end', done);
    });
    req.on('error', () => {
      counts.errors += 1;
      setTimeout(done, 20);
    });
  });
}

for (let i = 0; i < connections; i += 1) {
  void (async () => {
    for (;;) await once();
  })();
}

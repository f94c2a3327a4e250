// An attacker's client for the abuse suite, run as its own process (see flood.ts), printing lines of JSON
// ({flooding}, then a FloodSummary or an error):
// - FLOOD.event message:send or typing: connects with FLOOD.token, emits requests as fast as the pod
//   answers them, at most 1,000 unanswered, until a line "stop" comes on stdin (then a typist's last
//   event is typing: false), and stays connected FLOOD.lingerMs longer (a typist's last state is relayed
//   when its interval ends); sends carry FLOOD.body (with the send's number after it);
// - FLOOD.event login: POSTs FLOOD.count logins for unknown users at once, spread over FLOOD.addresses
//   (loopback addresses to send from).
const { writeFileSync } = require('node:fs');
const { randomUUID } = require('node:crypto');
const { request } = require('node:http');
const { io } = require('socket.io-client');

const { baseUrl, token, count = 0, roomId, event, lingerMs, addresses, body: sendBody = 'flood' } = JSON.parse(process.env.FLOOD);
const WINDOW = 1_000;
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const finish = (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));

// This process leads its own session (spawned detached): lower the whole session's priority, which is
// what ranks it against the pods' sessions under autogroup scheduling. Without autogroup, nice suffices.
try {
  writeFileSync('/proc/self/autogroup', '10');
} catch {
  // No autogroup scheduling here (or not Linux): the plain nice applies.
}

function newSummary() {
  return { sent: 0, ok: 0, rateLimited: 0, otherErrors: 0, errors: {}, firstRetryAfterMs: null, startedAt: Date.now(), finishedAt: 0 };
}

/** An answer other than ok or RATE_LIMITED, counted by what it was (the error code and the fields it names, or the HTTP status). */
function countOtherError(summary, what) {
  summary.otherErrors += 1;
  summary.errors[what] = (summary.errors[what] ?? 0) + 1;
}

if (event === 'login') loginFlood();
else socketFlood();

function loginFlood() {
  const summary = { ...newSummary(), sent: count };
  let answered = 0;
  say({ flooding: true });
  for (let n = 0; n < count; n += 1) {
    const body = JSON.stringify({ username: `ghost${n}_${randomUUID().slice(0, 8)}`, password: `nope-${n}-pass` });
    const req = request(
      `${baseUrl}/api/auth/login`,
      {
        method: 'POST',
        localAddress: addresses[n % addresses.length],
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          // Unknown users: 401 once hashed (the decoy), 429 when refused.
          if (res.statusCode === 401) summary.ok += 1;
          else if (res.statusCode === 429) {
            summary.rateLimited += 1;
            summary.firstRetryAfterMs ??= Number(res.headers['retry-after']) * 1000;
          } else countOtherError(summary, `HTTP ${res.statusCode}`);
          answered += 1;
          if (answered === count) {
            summary.finishedAt = Date.now();
            finish({ summary });
          }
        });
      },
    );
    req.on('error', (error) => finish({ error: error.message }));
    req.end(body);
  }
}

function socketFlood() {
  let stopping = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text) => {
    if (text.includes('stop')) stopping = true;
  });
  const payload = (n, last) =>
    event === 'typing' ? { roomId, typing: !last } : { roomId, clientMsgId: randomUUID(), body: `${sendBody} ${n}` };

  const socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  socket.on('connect_error', (error) => finish({ error: error.message }));
  socket.once('session:ready', () => {
    const summary = newSummary();
    say({ flooding: true });
    socket.once('disconnect', (reason) => finish({ error: `disconnected after ${summary.ok + summary.rateLimited} answers: ${reason}` }));
    let sent = 0;
    let answered = 0;
    let scheduled = false;
    let last = false;
    const schedule = () => {
      if (scheduled || last) return;
      scheduled = true;
      setImmediate(burst);
    };
    const emit = () => {
      socket.emit(event, payload(sent, last), (ack) => {
        if (ack.ok) summary.ok += 1;
        else if (ack.error.code === 'RATE_LIMITED') {
          summary.rateLimited += 1;
          summary.firstRetryAfterMs ??= ack.error.retryAfterMs;
        } else countOtherError(summary, [ack.error.code, ...(ack.error.fields ?? []).map((f) => f.field)].join(' '));
        answered += 1;
        if (!last || answered < sent) return schedule();
        summary.sent = sent;
        summary.finishedAt = Date.now();
        say({ summary });
        setTimeout(() => {
          socket.off('disconnect');
          socket.close();
          process.exit(0);
        }, lingerMs);
      });
      sent += 1;
    };
    const burst = () => {
      scheduled = false;
      if (stopping) {
        // The last request (a typist stops typing); the summary comes with its answer, the last one.
        last = true;
        return emit();
      }
      for (const end = Math.min(sent + 250, answered + WINDOW); sent < end;) emit();
      if (sent - answered < WINDOW) schedule();
    };
    burst();
  });
}

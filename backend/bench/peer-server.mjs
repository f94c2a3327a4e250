// The bench's peer: the seeds' architecture done with the official tools — a Socket.IO server with the classic
// `@socket.io/redis-adapter` (createAdapter(pub, sub)) and nothing else. No database: message:send gets an in-memory
// seq, is broadcast as message:new to the room on every peer process and acked. Same event names and payload shapes
// as the product, so one load generator drives both.
//   PORT=4001 REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX=bench-x: JWT_SECRET=... node backend/bench/peer-server.mjs
// Handshake: `auth: { token, rooms }` — the product's HS256 JWT (sub = user id) and the room ids to join.
// GET /metrics: peer_adapter_received_total (adapter messages received from Redis), process_resident_memory_bytes.
import { createAdapter } from '@socket.io/redis-adapter';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Redis from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 4001);
const prefix = process.env.REDIS_KEY_PREFIX ?? 'peer:';
const secret = process.env.JWT_SECRET ?? '';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let adapterReceived = 0;

/** The user id of a valid HS256 token signed with JWT_SECRET, else null. */
function verify(token) {
  if (typeof token !== 'string') return null;
  const [header, payload, signature] = token.split('.');
  if (!signature) return null;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  if (claims.exp && claims.exp * 1000 < Date.now()) return null;
  return typeof claims.sub === 'string' ? claims.sub : null;
}

const http = createServer((request, response) => {
  if (request.url === '/metrics') {
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    response.end(
      `peer_adapter_received_total ${adapterReceived}\n` +
        `process_resident_memory_bytes ${process.memoryUsage.rss()}\n` +
        `peer_connections ${io.engine.clientsCount}\n`,
    );
    return;
  }
  if (request.url === '/health/ready') {
    response.end('ok');
    return;
  }
  if (request.url === '/gc' && globalThis.gc) {
    globalThis.gc();
    response.end('ok');
    return;
  }
  response.statusCode = 404;
  response.end();
});

const io = new Server(http, { maxHttpBufferSize: 64 * 1024, pingInterval: 20_000, pingTimeout: 20_000 });
const pub = new Redis(redisUrl);
const sub = pub.duplicate();
sub.on('pmessageBuffer', () => (adapterReceived += 1));
io.adapter(createAdapter(pub, sub, { key: `${prefix}socket.io` }));

/** Per-room counters only so that messages look like the product's; nothing is stored. */
const heads = new Map();

io.use((socket, next) => {
  const userId = verify(socket.handshake.auth?.token);
  if (!userId) return next(Object.assign(new Error('unauthorized'), { data: { code: 'UNAUTHORIZED' } }));
  socket.data.user = { id: userId, username: `u-${userId.slice(0, 8)}`, displayName: 'bench user' };
  socket.data.rooms = Array.isArray(socket.handshake.auth.rooms) ? socket.handshake.auth.rooms.map(String) : [];
  next();
});

io.on('connection', (socket) => {
  const rooms = socket.data.rooms;
  socket.join([`user:${socket.data.user.id}`, ...rooms.map((id) => `room:${id}`)]);
  socket.emit('session:ready', {
    user: socket.data.user,
    rooms: rooms.map((id) => ({ id, lastSeq: heads.get(id) ?? 0, lastReadSeq: 0 })),
  });
  socket.on('message:send', (request, ack) => {
    const roomId = String(request?.roomId);
    if (!rooms.includes(roomId)) return ack?.({ ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
    const seq = (heads.get(roomId) ?? 0) + 1;
    heads.set(roomId, seq);
    const now = new Date().toISOString();
    const message = {
      id: randomUUID(),
      roomId,
      seq,
      updatedSeq: seq,
      clientMsgId: String(request.clientMsgId),
      sender: socket.data.user,
      body: String(request.body),
      createdAt: now,
      editedAt: null,
      deletedAt: null,
    };
    io.to(`room:${roomId}`).emit('message:new', { message });
    ack?.({ ok: true, message });
  });
  socket.on('room:sync', (request, ack) => {
    ack?.({ ok: true, messages: [], hasMore: false, lastSeq: heads.get(String(request?.roomId)) ?? 0 });
  });
});

http.listen(port, '127.0.0.1', () => process.stdout.write(`peer listening on ${port}\n`));

const stop = () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

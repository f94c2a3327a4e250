// Scenario set-up without REST: users, rooms and memberships are inserted with SQL into the bench database (after
// the pods ran the migrations), all with one password hash, and access tokens are minted here (HS256, the pods'
// JWT_SECRET, claims { sub, tv, jti, exp }). The peer gets the same world: same ids, same tokens, room ids in the handshake.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function mintToken(secret, userId) {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: userId, tv: 0, jti: randomUUID(), iat: now, exp: now + 24 * 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * A world of `users` users and rooms given as arrays of member indexes. Answers
 * { users: [{ id, token, rooms: [roomId] }], rooms: [{ id, members: [userIndex] }] }.
 */
export function makeWorld(secret, userCount, roomMembers) {
  const users = Array.from({ length: userCount }, () => {
    const id = randomUUID();
    return { id, token: mintToken(secret, id), rooms: [] };
  });
  const rooms = roomMembers.map((members) => ({ id: randomUUID(), members }));
  for (const room of rooms) for (const member of room.members) users[member].rooms.push(room.id);
  return { users, rooms };
}

/** Inserts the world into the product's schema (the password hash is never checked: nobody logs in). */
export async function insertWorld(db, world) {
  const tag = randomBytes(3).toString('hex');
  const hash = 'scrypt$bench$unused';
  for (let start = 0; start < world.users.length; start += 5000) {
    const slice = world.users.slice(start, start + 5000);
    await db.query(
      `INSERT INTO users (id, username, display_name, password_hash)
       SELECT id, 'b' || $2 || '_' || n, 'bench ' || n, $3 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
      [slice.map((user) => user.id), `${tag}${start}`, hash],
    );
  }
  await db.query(
    `INSERT INTO rooms (id, name, kind, visibility) SELECT id, 'bench ' || n, 'channel', 'public' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [world.rooms.map((room) => room.id)],
  );
  const roomIds = [];
  const userIds = [];
  for (const room of world.rooms) {
    for (const member of room.members) {
      roomIds.push(room.id);
      userIds.push(world.users[member].id);
    }
  }
  for (let start = 0; start < roomIds.length; start += 20000) {
    await db.query(`INSERT INTO room_members (room_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
      roomIds.slice(start, start + 20000),
      userIds.slice(start, start + 20000),
    ]);
  }
}

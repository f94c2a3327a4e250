/**
 * One copy of a channel name however many sockets are in it: each socket's set of rooms holds the name, and
 * names built per socket would be ~64 bytes apiece. V8 keeps a single copy of every property name (and drops
 * it when unused), which Object.keys hands back.
 */
const shared = (name: string): string => Object.keys({ [name]: true })[0] ?? name;

/** Socket.IO room names: one per chat room, one per user (all that user's sockets on every pod). */
export const roomChannel = (roomId: string): string => shared(`room:${roomId}`);
export const userChannel = (userId: string): string => shared(`user:${userId}`);

/** Socket.IO room names: one per chat room, one per user (all that user's sockets on every pod). */
export const roomChannel = (roomId: string): string => `room:${roomId}`;
export const userChannel = (userId: string): string => `user:${userId}`;

import type { MyRoom } from '@chat/contracts';
import { roomTitle } from '../rooms/my-rooms';

/**
 * Alt+↑ / Alt+↓: the room before or after `currentId` in the sidebar's order, without wrapping
 * around. From a page that is no room, ↓ goes to the first and ↑ to the last.
 */
export function adjacentRoom(order: readonly MyRoom[], currentId: string | null, step: 1 | -1): MyRoom | undefined {
  const index = currentId === null ? -1 : order.findIndex((room) => room.id === currentId);
  if (index < 0) return step === 1 ? order[0] : order[order.length - 1];
  return order[index + step];
}

/**
 * The room switcher's filter: rooms and DMs whose title contains `query` (any case), those
 * starting with it first, then those with a word starting with it, each group in sidebar order.
 */
export function filterRooms(order: readonly MyRoom[], query: string): MyRoom[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...order];
  const rank = (room: MyRoom): number => {
    const title = roomTitle(room).toLocaleLowerCase();
    const usernames = (room.people ?? (room.peer ? [room.peer] : [])).map((person) => person.username.toLocaleLowerCase());
    if (title.startsWith(q) || usernames.some((username) => username.startsWith(q))) return 0;
    if (title.split(/[\s\-_.,]+/).some((word) => word.startsWith(q))) return 1;
    return title.includes(q) || usernames.some((username) => username.includes(q)) ? 2 : -1;
  };
  return order
    .map((room) => ({ room, rank: rank(room) }))
    .filter((entry) => entry.rank >= 0)
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.room);
}

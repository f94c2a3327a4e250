import { BOB, myRoom } from '../../testing/fixtures';
import { adjacentRoom, filterRooms } from './room-order';

const general = myRoom({ id: 'g', name: 'general' });
const design = myRoom({ id: 'd', name: 'design-reviews' });
const random = myRoom({ id: 'r', name: 'random' });
const dm = myRoom({ id: 'b', name: 'dm', kind: 'dm', peer: BOB });
const order = [general, design, random, dm];

describe('room order', () => {
  it('moves to the previous or next room in sidebar order, without wrapping', () => {
    expect(adjacentRoom(order, 'd', 1)?.id).toBe('r');
    expect(adjacentRoom(order, 'd', -1)?.id).toBe('g');
    expect(adjacentRoom(order, 'r', 1)?.id).toBe('b');
    expect(adjacentRoom(order, 'b', 1)).toBeUndefined();
    expect(adjacentRoom(order, 'g', -1)).toBeUndefined();
    // Not in a room: down starts at the top, up at the bottom.
    expect(adjacentRoom(order, null, 1)?.id).toBe('g');
    expect(adjacentRoom(order, null, -1)?.id).toBe('b');
  });

  it('filters by title or a DM partner’s username, best matches first', () => {
    expect(filterRooms(order, '').map((r) => r.id)).toEqual(['g', 'd', 'r', 'b']);
    expect(filterRooms(order, 'R').map((r) => r.id)).toEqual(['r', 'd', 'g']);
    expect(filterRooms(order, 'o').map((r) => r.id)).toEqual(['r', 'b']);
    expect(filterRooms(order, 'rev').map((r) => r.id)).toEqual(['d']);
    expect(filterRooms(order, 'bob').map((r) => r.id)).toEqual(['b']);
    expect(filterRooms(order, 'zzz')).toEqual([]);
  });

  it('finds a group DM by any of its people', () => {
    const carol = { id: 'u-carol', username: 'cjones', displayName: 'Carol' };
    const group = myRoom({ id: 'grp', name: '', kind: 'dm', peer: null, people: [BOB, carol] });
    expect(filterRooms([...order, group], 'cjo').map((r) => r.id)).toEqual(['grp']);
    expect(filterRooms([...order, group], 'carol').map((r) => r.id)).toEqual(['grp']);
    expect(filterRooms([...order, group], 'bob').map((r) => r.id)).toEqual(['b', 'grp']);
  });
});

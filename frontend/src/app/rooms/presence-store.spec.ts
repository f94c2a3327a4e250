import { TestBed } from '@angular/core/testing';
import type { Member } from '@chat/contracts';
import { BOB, myRoom } from '../../testing/fixtures';
import { PresenceStore } from './presence-store';
import { RoomsApi } from './rooms-api';

const member = (id: string, online: boolean): Member => ({
  id,
  userId: id,
  username: id,
  displayName: id,
  memberRole: 'member',
  online,
  joinedAt: '',
});

describe('PresenceStore', () => {
  const api = { members: jest.fn<Promise<Member[]>, [string]>() };

  function setup(): PresenceStore {
    api.members.mockReset();
    TestBed.configureTestingModule({ providers: [PresenceStore, { provide: RoomsApi, useValue: api }] });
    return TestBed.inject(PresenceStore);
  }

  it('follows presence events', () => {
    const presence = setup();
    expect(presence.isOnline('u1')).toBe(false);
    presence.apply('u1', true);
    expect(presence.isOnline('u1')).toBe(true);
    presence.apply('u1', false);
    expect(presence.isOnline('u1')).toBe(false);
  });

  it('takes a snapshot, unless an event arrived after it was requested', () => {
    const presence = setup();
    const mark = presence.mark();
    presence.apply('u1', false);
    presence.seed([member('u1', true), member('u2', true)], mark);
    expect(presence.isOnline('u1')).toBe(false);
    expect(presence.isOnline('u2')).toBe(true);
  });

  it('looks up DM partners, skipping channels and surviving failures', async () => {
    const presence = setup();
    api.members.mockImplementation(async (roomId) => {
      if (roomId === 'd2') throw new Error('down');
      return [member(BOB.id, true)];
    });
    await presence.refreshPeers([
      myRoom({ id: 'c1' }),
      myRoom({ id: 'd1', kind: 'dm', peer: BOB }),
      myRoom({ id: 'd2', kind: 'dm', peer: { id: 'u3', username: 'c', displayName: 'C' } }),
    ]);
    expect(api.members.mock.calls.map(([id]) => id).sort()).toEqual(['d1', 'd2']);
    expect(presence.isOnline(BOB.id)).toBe(true);
  });
});

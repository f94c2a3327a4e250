import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Member, MyRoom, User } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { flushPromises, myRoom } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { MembersPanel } from './members-panel';
import { PresenceStore } from './presence-store';
import { RoomsApi } from './rooms-api';
import { RoomsStore } from './rooms-store';

const member = (id: string, displayName: string, online: boolean, memberRole: Member['memberRole'] = 'member'): Member => ({
  id,
  userId: id,
  username: id,
  displayName,
  memberRole,
  online,
  joinedAt: '2024-01-01T00:00:00.000Z',
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MembersPanel', () => {
  const api = {
    members: jest.fn<Promise<Member[]>, [string]>(),
    addMember: jest.fn<Promise<Member>, [string, string]>(),
    searchUsers: jest.fn<Promise<User[]>, [string]>(),
    myRooms: jest.fn<Promise<MyRoom[]>, []>(),
  };

  async function render(room: MyRoom) {
    TestBed.configureTestingModule({ providers: [provideRouter([]), RoomsStore, PresenceStore, { provide: RoomsApi, useValue: api }] });
    TestBed.inject(SessionStore).start({ accessToken: 't', user: { id: 'me', username: 'me', displayName: 'Me', role: 'user' } });
    const rooms = TestBed.inject(RoomsStore);
    rooms.upsert(room);
    const fixture = TestBed.createComponent(MembersPanel);
    fixture.componentRef.setInput('room', room);
    await fixture.whenStable();
    await flushPromises();
    await fixture.whenStable();
    return { fixture, root: fixture.nativeElement as HTMLElement, rooms, presence: TestBed.inject(PresenceStore) };
  }

  /** What each item says to a screen reader (avatars are aria-hidden). */
  const names = (root: HTMLElement) =>
    Array.from(root.querySelectorAll('li')).map((li) => {
      const copy = li.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('[aria-hidden="true"]').forEach((el) => el.remove());
      return copy.textContent?.trim();
    });

  beforeEach(() => {
    jest.resetAllMocks();
    localStorage.clear();
  });

  it('lists members, online first, and follows presence events', async () => {
    api.members.mockResolvedValue([member('a', 'Ann', false), member('b', 'Ben', true, 'owner')]);
    const { fixture, root, rooms, presence } = await render(myRoom({ memberCount: 1 }));
    expect(names(root)).toEqual(['Ben (online), owner', 'Ann (offline)']);
    // The fetched list is fresher than the room's count.
    expect(rooms.room('r1')?.memberCount).toBe(2);

    presence.apply('a', true);
    presence.apply('b', false);
    await fixture.whenStable();
    expect(names(root)).toEqual(['Ann (online)', 'Ben (offline), owner']);
  });

  it('lets the owner of a private room add someone found by search', async () => {
    api.members.mockResolvedValue([member('me', 'Me', true, 'owner')]);
    api.searchUsers.mockResolvedValue([{ id: 'c', username: 'cat', displayName: 'Cat', role: 'user' }]);
    api.addMember.mockResolvedValue(member('c', 'Cat', false));
    const { fixture, root } = await render(myRoom({ visibility: 'private', myRole: 'owner' }));
    typeInto(byLabel(root, 'Add a member'), 'ca');
    await wait(300);
    await fixture.whenStable();

    api.members.mockResolvedValue([member('me', 'Me', true, 'owner'), member('c', 'Cat', false)]);
    byButton(root, 'Add cat').click();
    await flushPromises();
    await fixture.whenStable();
    expect(api.addMember).toHaveBeenCalledWith('r1', 'c');
    expect(names(root).some((n) => n?.startsWith('Cat'))).toBe(true);
  });

  it('offers no add box in public rooms or to plain members', async () => {
    api.members.mockResolvedValue([]);
    const { root } = await render(myRoom({ visibility: 'private', myRole: 'member' }));
    expect(root.textContent).not.toContain('Add a member');
  });
});

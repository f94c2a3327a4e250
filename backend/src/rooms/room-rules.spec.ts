import { ErrorCode } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { RoomAccess, RoomRules, Verdict } from './room-rules';

const alice: Actor = { id: 'alice', username: 'alice', displayName: 'Alice', role: 'user' };
const bob: Actor = { id: 'bob', username: 'bob', displayName: 'Bob', role: 'user' };
const root: Actor = { id: 'root', username: 'root', displayName: 'Root', role: 'admin' };

const room = (over: Partial<RoomAccess> = {}): RoomAccess => ({
  kind: 'channel',
  visibility: 'private',
  archived: false,
  membership: 'member',
  ...over,
});
const byAlice = { senderId: 'alice' };

/** 'ok', or the refusal's code and message, so a table row reads as the rule's answer. */
const answer = (verdict: Verdict) => (verdict ? `${verdict.code}: ${verdict.message}` : 'ok');
const NOT_MEMBER = `${ErrorCode.FORBIDDEN}: You are not a member of this room`;
const ARCHIVED = `${ErrorCode.FORBIDDEN}: This room is archived`;

describe('RoomRules', () => {
  it.each<[string, Verdict, string]>([
    ['a member reads', RoomRules.canRead(bob, room()), 'ok'],
    ['an admin outside reads', RoomRules.canRead(root, room({ membership: null })), 'ok'],
    [
      'an outsider reads even a public room’s timeline',
      RoomRules.canRead(bob, room({ membership: null, visibility: 'public' })),
      NOT_MEMBER,
    ],
    ['an outsider views a public room', RoomRules.canView(bob, room({ membership: null, visibility: 'public' })), 'ok'],
    ['an outsider views a private room', RoomRules.canView(bob, room({ membership: null })), NOT_MEMBER],
    ['an admin views a private room', RoomRules.canView(root, room({ membership: null })), 'ok'],
    ['a member searches an archived room', RoomRules.canSearch(room({ archived: true })), 'ok'],
    ['an outsider searches a public room', RoomRules.canSearch(room({ membership: null, visibility: 'public' })), NOT_MEMBER],
    ['an admin outside searches', RoomRules.canSearch(room({ membership: null })), NOT_MEMBER],
  ])('reading: %s → %s', (_case, verdict, expected) => {
    expect(answer(verdict)).toBe(expected);
  });

  it.each<[string, Verdict, string]>([
    ['a member posts', RoomRules.canPost(room()), 'ok'],
    ['a non-member posts', RoomRules.canPost(room({ membership: null })), NOT_MEMBER],
    ['a non-member posts into an archived room', RoomRules.canPost(room({ membership: null, archived: true })), NOT_MEMBER],
    ['a member posts into an archived room', RoomRules.canPost(room({ archived: true })), ARCHIVED],
    ['the sender edits', RoomRules.canEdit(alice, room(), byAlice), 'ok'],
    [
      'the owner edits another’s message',
      RoomRules.canEdit(bob, room({ membership: 'owner' }), byAlice),
      `${ErrorCode.FORBIDDEN}: Only the sender can edit a message`,
    ],
    [
      'an admin edits another’s message',
      RoomRules.canEdit(root, room(), byAlice),
      `${ErrorCode.FORBIDDEN}: Only the sender can edit a message`,
    ],
    ['the sender edits after leaving', RoomRules.canEdit(alice, room({ membership: null }), byAlice), NOT_MEMBER],
    ['the sender edits in an archived room', RoomRules.canEdit(alice, room({ archived: true }), byAlice), ARCHIVED],
  ])('writing: %s → %s', (_case, verdict, expected) => {
    expect(answer(verdict)).toBe(expected);
  });

  it.each<[string, Verdict, string]>([
    ['the sender deletes', RoomRules.canDelete(alice, room(), byAlice), 'ok'],
    ['the owner deletes another’s message', RoomRules.canDelete(bob, room({ membership: 'owner' }), byAlice), 'ok'],
    ['an admin outside an archived room deletes', RoomRules.canDelete(root, room({ membership: null, archived: true }), byAlice), 'ok'],
    [
      'another member deletes',
      RoomRules.canDelete(bob, room(), byAlice),
      `${ErrorCode.FORBIDDEN}: Only the sender, the room owner or an admin can delete a message`,
    ],
    ['a non-member deletes', RoomRules.canDelete(bob, room({ membership: null }), byAlice), NOT_MEMBER],
    ['the sender deletes in an archived room', RoomRules.canDelete(alice, room({ archived: true }), byAlice), ARCHIVED],
  ])('moderating: %s → %s', (_case, verdict, expected) => {
    expect(answer(verdict)).toBe(expected);
  });

  it.each<[string, Verdict, string]>([
    ['joining a public channel', RoomRules.canJoin(room({ visibility: 'public', membership: null })), 'ok'],
    ['joining a private channel', RoomRules.canJoin(room({ membership: null })), `${ErrorCode.FORBIDDEN}: Only public rooms can be joined`],
    ['joining a DM', RoomRules.canJoin(room({ kind: 'dm', membership: null })), `${ErrorCode.FORBIDDEN}: Only public rooms can be joined`],
    ['joining an archived public channel', RoomRules.canJoin(room({ visibility: 'public', archived: true })), ARCHIVED],
    ['leaving a channel', RoomRules.canLeave(room(), 3), 'ok'],
    ['leaving a DM', RoomRules.canLeave(room({ kind: 'dm' }), 2), `${ErrorCode.FORBIDDEN}: Direct messages cannot be left`],
    ['the owner leaving as the last member', RoomRules.canLeave(room({ membership: 'owner' }), 1), 'ok'],
    [
      'the owner leaving others behind',
      RoomRules.canLeave(room({ membership: 'owner' }), 2),
      `${ErrorCode.CONFLICT}: The owner must make another member the owner before leaving`,
    ],
    ['leaving a room one is not in', RoomRules.canLeave(room({ membership: null }), 2), `${ErrorCode.NOT_FOUND}: Membership not found`],
    ['the owner changes the room', RoomRules.canManage(bob, room({ membership: 'owner' })), 'ok'],
    ['an admin outside the room changes it', RoomRules.canManage(root, room({ membership: null })), 'ok'],
    [
      'a member changes the room',
      RoomRules.canManage(bob, room()),
      `${ErrorCode.FORBIDDEN}: Only the room owner or an admin can change the room`,
    ],
    [
      'the owner changes a DM',
      RoomRules.canManage(bob, room({ kind: 'dm', membership: 'owner' })),
      `${ErrorCode.FORBIDDEN}: A direct message has no settings`,
    ],
    ['the owner changes an archived room', RoomRules.canManage(bob, room({ membership: 'owner', archived: true })), ARCHIVED],
    ['the owner adds a member', RoomRules.canAddMember(alice, room({ membership: 'owner' })), 'ok'],
    ['an admin outside adds a member', RoomRules.canAddMember(root, room({ membership: null })), 'ok'],
    [
      'a member adds a member',
      RoomRules.canAddMember(bob, room()),
      `${ErrorCode.FORBIDDEN}: Only the room owner or an admin can add members`,
    ],
    [
      'anyone adds to a DM',
      RoomRules.canAddMember(root, room({ kind: 'dm' })),
      `${ErrorCode.FORBIDDEN}: Members cannot be added to a direct message`,
    ],
    ['the owner adds to an archived room', RoomRules.canAddMember(alice, room({ membership: 'owner', archived: true })), ARCHIVED],
  ])('membership: %s → %s', (_case, verdict, expected) => {
    expect(answer(verdict)).toBe(expected);
  });
});

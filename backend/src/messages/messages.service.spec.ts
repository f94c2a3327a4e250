import { Test } from '@nestjs/testing';
import { ErrorCode, type MemberRole, type Message } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { RoomAccess, RoomRules } from '../rooms/room-rules';
import { MessageRepository, PendingSend, SendOutcome } from './message.repository';
import { MessageWriter } from './message-writer';
import { MessagesService } from './messages.service';
import { SendPipeline } from './send-pipeline';
import { TimelineRelay } from '../timeline/timeline-relay';

/** What the repository reads under the room's lock before an edit or delete. */
interface EventContext {
  current: Message;
  roomArchived: boolean;
  actorMembership: MemberRole | null;
}

const alice: Actor = { id: 'alice', username: 'alice', displayName: 'Alice', role: 'user' };
const bob: Actor = { id: 'bob', username: 'bob', displayName: 'Bob', role: 'user' };
const admin: Actor = { id: 'root', username: 'root', displayName: 'Root', role: 'admin' };

const message = (over: Partial<Message> = {}): Message => ({
  id: 'm1',
  roomId: 'r1',
  seq: 5,
  updatedSeq: 5,
  clientMsgId: 'c1',
  sender: { id: alice.id, username: alice.username, displayName: alice.displayName },
  body: 'hello',
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  reactions: [],
  mentions: [],
  threadRootId: null,
  replyCount: 0,
  lastReplyAt: null,
  ...over,
});

interface Emitted {
  to: string;
  event: string;
  payload: unknown;
}

/**
 * The service with its real group-commit writer and metrics; the repositories and the broadcaster are
 * fakes. `applyEvent` judges the given context like the repository does: the room rules first, then a
 * deleted message is a no-op for delete and a conflict for edit.
 */
async function setUp(
  options: {
    outcome?: (send: PendingSend) => SendOutcome;
    context?: Partial<EventContext>;
    membership?: MemberRole | null;
    roomExists?: boolean;
  } = {},
) {
  const emitted: Emitted[] = [];
  const writeBatch = jest.fn(async (sends: PendingSend[]) =>
    sends.map(
      (send) =>
        options.outcome?.(send) ?? {
          created: true,
          message: message({ roomId: send.roomId, body: send.body, clientMsgId: send.clientMsgId, sender: send.sender }),
        },
    ),
  );
  const applyEvent = jest.fn(async (_id: string, actor: Actor, change: { kind: 'edit'; body: string } | { kind: 'delete' }) => {
    const context: EventContext = { current: message(), roomArchived: false, actorMembership: 'member', ...options.context };
    const access: RoomAccess = {
      kind: 'channel',
      visibility: 'private',
      archived: context.roomArchived,
      membership: context.actorMembership,
    };
    const target = { senderId: context.current.sender.id };
    const refusal = change.kind === 'edit' ? RoomRules.canEdit(actor, access, target) : RoomRules.canDelete(actor, access, target);
    if (refusal) throw refusal;
    if (context.current.deletedAt) {
      if (change.kind === 'delete') return null;
      throw new AppError(ErrorCode.CONFLICT, 'This message was deleted');
    }
    return change.kind === 'edit'
      ? { ...context.current, body: change.body, editedAt: 'now', updatedSeq: 9 }
      : { ...context.current, body: null, deletedAt: 'now', updatedSeq: 9 };
  });
  // Reacting: a change unless the actor's reaction is already there (add) or missing (remove).
  const react = jest.fn(async (_id: string, actor: Actor, emoji: string, add: boolean) => {
    const current = message({ reactions: [{ emoji: '👍', count: 1, userIds: [bob.id] }] });
    const had = current.reactions.some((r) => r.emoji === emoji && r.userIds.includes(actor.id));
    if (had === add) return { message: current, changed: false };
    const reactions = add ? [...current.reactions, { emoji, count: 1, userIds: [actor.id] }] : [];
    return { message: { ...current, reactions, updatedSeq: 9 }, changed: true };
  });
  // A thread reply: a new reply and its root's new counts, or (a resend) the stored reply alone.
  const reply = jest.fn(async (send: PendingSend & { threadRootId: string }) =>
    send.clientMsgId === 'resent'
      ? { message: message({ id: 'r1', seq: 6, threadRootId: send.threadRootId }), root: null }
      : {
          message: message({ id: 'r1', seq: 6, updatedSeq: 6, body: send.body, threadRootId: send.threadRootId, sender: send.sender }),
          root: message({ updatedSeq: 7, replyCount: 1, lastReplyAt: 'now' }),
        },
  );
  const access = (): RoomAccess | null =>
    options.roomExists === false
      ? null
      : {
          kind: 'channel',
          visibility: 'private',
          archived: false,
          membership: options.membership === undefined ? 'member' : options.membership,
        };
  // The repository reads the page and the reader's access in one statement; the service applies the rules.
  const visible = <T>(page: T) => {
    const room = access();
    return room && { access: room, page };
  };
  const history = jest.fn(async () => visible({ messages: [message()], hasMore: false }));
  const changesSince = jest.fn(async () => visible({ messages: [], hasMore: false, lastSeq: 5 }));

  const moduleRef = await Test.createTestingModule({
    providers: [
      MessagesService,
      { provide: SendPipeline, useClass: MessageWriter },
      { provide: TimelineRelay, useValue: { nudge: () => undefined } },
      MetricsService,
      { provide: AppConfig, useValue: { writeBatch: { max: 10, concurrency: 1, deadlineMs: 5_000 } } },
      { provide: MessageRepository, useValue: { writeBatch, applyEvent, react, reply, history, changesSince } },
      {
        provide: Broadcaster,
        useValue: { toRoom: (to: string) => ({ emit: (event: string, payload: unknown) => emitted.push({ to, event, payload }) }) },
      },
    ],
  }).compile();
  return {
    service: moduleRef.get(MessagesService),
    metrics: moduleRef.get(MetricsService),
    emitted,
    writeBatch,
    applyEvent,
    reply,
    history,
    changesSince,
  };
}

describe('MessagesService', () => {
  describe('send', () => {
    it('stores the trimmed body as the actor, answers, then (next tick) tells the room and counts the message', async () => {
      const { service, metrics, emitted, writeBatch } = await setUp();
      const sent = await service.send(alice, { roomId: 'r1', clientMsgId: 'c1', body: '  hi  ' });
      expect(writeBatch).toHaveBeenCalledWith([
        { roomId: 'r1', clientMsgId: 'c1', body: 'hi', sender: { id: 'alice', username: 'alice', displayName: 'Alice' } },
      ]);
      // The sender's answer does not wait for the room's fan-out.
      expect(emitted).toEqual([]);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(emitted).toEqual([{ to: 'r1', event: 'message:new', payload: { message: sent } }]);
      expect(metrics.persistedLastMinute()).toBe(1);
    });

    it('answers a resend with the stored original and broadcasts nothing', async () => {
      const original = message({ seq: 3 });
      const { service, emitted } = await setUp({ outcome: () => ({ created: false, message: original }) });
      await expect(service.send(alice, { roomId: 'r1', clientMsgId: 'c1', body: 'hello' })).resolves.toEqual(original);
      expect(emitted).toEqual([]);
    });

    it('passes on the store’s refusal (not a member) and broadcasts nothing', async () => {
      const { service, emitted } = await setUp({ outcome: () => ({ error: AppError.notMember() }) });
      await expect(service.send(bob, { roomId: 'r1', clientMsgId: 'c1', body: 'hello' })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
      });
      expect(emitted).toEqual([]);
    });

    it('writes a thread reply on its own, then tells the room the reply and its root’s new counts', async () => {
      const { service, emitted, writeBatch, reply } = await setUp();
      const sent = await service.send(bob, { roomId: 'r1', clientMsgId: 'c9', body: ' sure ', threadRootId: 'm1' });
      expect(writeBatch).not.toHaveBeenCalled();
      expect(reply).toHaveBeenCalledWith(expect.objectContaining({ roomId: 'r1', clientMsgId: 'c9', body: 'sure', threadRootId: 'm1' }));
      expect(emitted.map((e) => [e.event, (e.payload as { message: { id: string } }).message.id])).toEqual([
        ['message:new', 'r1'],
        ['message:updated', 'm1'],
      ]);
      expect(sent).toMatchObject({ id: 'r1', threadRootId: 'm1' });
    });

    it('answers a resent reply with the stored one and broadcasts nothing', async () => {
      const { service, emitted } = await setUp();
      await expect(service.send(bob, { roomId: 'r1', clientMsgId: 'resent', body: 'sure', threadRootId: 'm1' })).resolves.toMatchObject({
        id: 'r1',
      });
      expect(emitted).toEqual([]);
    });

    it('refuses a blank body with VALIDATION_FAILED before anything is written', async () => {
      const { service, writeBatch } = await setUp();
      await expect(service.send(alice, { roomId: 'r1', clientMsgId: 'c1', body: '   ' })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
      expect(writeBatch).not.toHaveBeenCalled();
    });
  });

  describe('edit', () => {
    it('lets the sender edit and tells the room the updated message', async () => {
      const { service, emitted } = await setUp();
      const updated = await service.edit(alice, { messageId: 'm1', body: ' new ' });
      expect(updated).toMatchObject({ body: 'new', updatedSeq: 9 });
      expect(emitted).toEqual([{ to: 'r1', event: 'message:updated', payload: { message: updated } }]);
    });

    it.each<[string, Actor, Partial<EventContext>]>([
      ['someone else, even the owner', bob, { actorMembership: 'owner' }],
      ['an admin who is not the sender', admin, {}],
      ['the sender after leaving the room', alice, { actorMembership: null }],
      ['the sender in an archived room', alice, { roomArchived: true }],
    ])('refuses %s with FORBIDDEN and broadcasts nothing', async (_who, actor, context) => {
      const { service, emitted } = await setUp({ context });
      await expect(service.edit(actor, { messageId: 'm1', body: 'new' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect(emitted).toEqual([]);
    });
  });

  describe('delete', () => {
    it.each<[string, Actor, Partial<EventContext>]>([
      ['the sender', alice, {}],
      ['the room owner', bob, { actorMembership: 'owner' }],
      ['an admin outside the room, even when archived', admin, { actorMembership: null, roomArchived: true }],
    ])('lets %s delete and tells the room the new seq', async (_who, actor, context) => {
      const { service, emitted } = await setUp({ context });
      await service.delete(actor, 'm1');
      expect(emitted).toEqual([
        { to: 'r1', event: 'message:deleted', payload: { roomId: 'r1', messageId: 'm1', seq: 9, deletedAt: 'now' } },
      ]);
    });

    it.each<[string, Actor, Partial<EventContext>]>([
      ['another member', bob, { actorMembership: 'member' }],
      ['a non-member', bob, { actorMembership: null }],
      ['the sender in an archived room', alice, { roomArchived: true }],
    ])('refuses %s with FORBIDDEN and broadcasts nothing', async (_who, actor, context) => {
      const { service, emitted } = await setUp({ context });
      await expect(service.delete(actor, 'm1')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect(emitted).toEqual([]);
    });

    it('answers null for an already deleted message without a new event', async () => {
      const { service, emitted } = await setUp({ context: { current: message({ body: null, deletedAt: 'before' }) } });
      await expect(service.delete(alice, 'm1')).resolves.toBeNull();
      expect(emitted).toEqual([]);
    });
  });

  describe('reactions', () => {
    it('tells the room the updated message when a reaction is added or removed', async () => {
      const { service, emitted } = await setUp();
      const added = await service.react(alice, { messageId: 'm1', emoji: '🎉' }, true);
      const removed = await service.react(bob, { messageId: 'm1', emoji: '👍' }, false);
      expect(added.reactions.map((r) => r.emoji)).toEqual(['👍', '🎉']);
      expect(removed.reactions).toEqual([]);
      expect(emitted).toEqual([
        { to: 'r1', event: 'message:updated', payload: { message: added } },
        { to: 'r1', event: 'message:updated', payload: { message: removed } },
      ]);
    });

    it('answers the message as it is and broadcasts nothing when nothing changed', async () => {
      const { service, emitted } = await setUp();
      await expect(service.react(bob, { messageId: 'm1', emoji: '👍' }, true)).resolves.toMatchObject({ updatedSeq: 5 });
      await expect(service.react(alice, { messageId: 'm1', emoji: '👍' }, false)).resolves.toMatchObject({ updatedSeq: 5 });
      expect(emitted).toEqual([]);
    });
  });

  describe('history and sync', () => {
    it('reads for a member, with the contract’s default page sizes', async () => {
      const { service, history, changesSince } = await setUp();
      await service.history(alice, 'r1', undefined, undefined);
      await service.sync(alice, 'r1', 4, undefined);
      expect(history).toHaveBeenCalledWith('r1', 'alice', undefined, expect.any(Number));
      expect(changesSince).toHaveBeenCalledWith('r1', 'alice', 4, expect.any(Number));
    });

    it('lets an admin read a room they are not in', async () => {
      const { service, history } = await setUp({ membership: null });
      await service.history(admin, 'r1', 10, 20);
      expect(history).toHaveBeenCalledWith('r1', 'root', 10, 20);
    });

    it('refuses a non-member with FORBIDDEN and a missing room with NOT_FOUND, answering no page', async () => {
      const outsider = await setUp({ membership: null });
      await expect(outsider.service.history(bob, 'r1', undefined, undefined)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(outsider.service.sync(bob, 'r1', 0, undefined)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const missing = await setUp({ membership: null, roomExists: false });
      await expect(missing.service.sync(admin, 'r1', 0, undefined)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });
});

import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { Message } from '@chat/contracts';
import { ALICE, BOB, message, myRoom } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { NotifySettingsStore } from '../rooms/notify-settings';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomsStore } from '../rooms/rooms-store';
import { Notifier } from './notifier';

/** Stands in for the browser's Notification: records what was shown. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  static requestPermission = jest.fn(async () => FakeNotification.permission);
  onclick: (() => void) | null = null;
  readonly close = jest.fn();
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
}

describe('Notifier', () => {
  let hidden = true;

  async function setUp(settings: { desktop?: boolean; sound?: boolean; muted?: string[] } = {}) {
    FakeNotification.shown = [];
    FakeNotification.permission = 'granted';
    localStorage.clear();
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
    Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible'), configurable: true });
    const carol = { id: 'u-carol', username: 'carol', displayName: 'Carol' };
    const rooms = [
      myRoom({ id: 'r1', name: 'general' }),
      myRoom({ id: 'd1', kind: 'dm', name: '', peer: BOB }),
      myRoom({ id: 'g1', kind: 'dm', name: '', peer: null, people: [BOB, carol] }),
    ];
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        RoomsStore,
        Notifier,
        { provide: RoomsApi, useValue: { myRooms: jest.fn().mockResolvedValue(rooms) } },
      ],
    });
    TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: 'user' } });
    await TestBed.inject(RoomsStore).load();
    TestBed.inject(NotifySettingsStore).update({ desktop: true, ...settings });
    return TestBed.inject(Notifier);
  }

  const fromBob = (over: Partial<Message>) => message(5, { sender: BOB, body: 'hello there', ...over });

  beforeEach(() => (hidden = true));

  it('shows a DM and a mention of me while the tab is hidden; a click opens the room', async () => {
    const notifier = await setUp();
    notifier.onMessage(fromBob({ roomId: 'd1' }));
    notifier.onMessage(fromBob({ roomId: 'r1', mentions: [ALICE.id], body: '@alice look' }));
    notifier.onMessage(fromBob({ roomId: 'g1', body: 'to both of you' }));
    expect(FakeNotification.shown.map((n) => [n.title, n.options.body, n.options.tag])).toEqual([
      ['Bob', 'hello there', 'd1'],
      ['Bob in #general', '@alice look', 'r1'],
      // A group DM says which group, as a 1:1 DM need not.
      ['Bob in Bob, Carol', 'to both of you', 'g1'],
    ]);
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const focus = jest.spyOn(window, 'focus').mockImplementation(() => undefined);
    FakeNotification.shown[1]?.onclick?.();
    expect(focus).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith(['/rooms', 'r1']);
    expect(FakeNotification.shown[1]?.close).toHaveBeenCalled();
  });

  it('stays quiet for a room message without a mention of me, my own messages, a muted room, a visible tab or when turned off', async () => {
    const notifier = await setUp({ muted: ['d1'] });
    notifier.onMessage(fromBob({ roomId: 'r1', mentions: [BOB.id] }));
    notifier.onMessage(message(6, { roomId: 'r1', mentions: [ALICE.id] }));
    notifier.onMessage(fromBob({ roomId: 'd1' }));
    hidden = false;
    notifier.onMessage(fromBob({ roomId: 'r1', mentions: [ALICE.id] }));
    hidden = true;
    TestBed.inject(NotifySettingsStore).update({ desktop: false });
    notifier.onMessage(fromBob({ roomId: 'r1', mentions: [ALICE.id] }));
    expect(FakeNotification.shown).toEqual([]);
  });

  it('asks the browser before turning desktop notifications on, and stays off when refused', async () => {
    const notifier = await setUp({ desktop: false });
    FakeNotification.permission = 'default';
    FakeNotification.requestPermission.mockResolvedValueOnce('denied');
    await expect(notifier.enableDesktop()).resolves.toBe('denied');
    expect(TestBed.inject(NotifySettingsStore).settings().desktop).toBe(false);
    FakeNotification.requestPermission.mockResolvedValueOnce('granted');
    await expect(notifier.enableDesktop()).resolves.toBe('granted');
    expect(TestBed.inject(NotifySettingsStore).settings().desktop).toBe(true);
  });

  it('keeps the choices per user in this browser, muted rooms included', async () => {
    await setUp({ sound: true, muted: ['r1'] });
    expect(JSON.parse(localStorage.getItem(`chat.notify.${ALICE.id}`) ?? '{}')).toEqual({ desktop: true, sound: true, muted: ['r1'] });
    expect(TestBed.inject(NotifySettingsStore).isMuted('r1')).toBe(true);
  });
});

import type { Locator, Page } from 'playwright-core';
import type { MyRoom } from '@chat/contracts';
import { eventually } from '@chat/test-harness';
import { ApiClient, type SeedSocket } from './support/api';
import { UI_TIMEOUT_MS, gone, messageLog, messageWith, openRoom, registerViaUi, sidebar, visible, type Tab } from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

/** Whether the element is entirely inside the message list's visible area. */
async function inView(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const view = await messageLog(page).boundingBox();
  return !!box && !!view && box.y >= view.y - 1 && box.y + box.height <= view.y + view.height + 1;
}

/**
 * Unread messages: a room with more than a page of them opens at the first one, with the
 * "New messages" divider, and only what has been in view is marked read; the tab's title
 * counts what is unread across my rooms.
 */
describe('unread messages in the browser', () => {
  let world: World;
  let alice: Tab;
  let aliceApi: ApiClient;
  let bob: ApiClient;
  let bobSocket: SeedSocket | undefined;

  beforeAll(async () => {
    world = await startWorld();
    alice = await newTab(world, world.viaA);
    await registerViaUi(alice.page, 'alice', 'looking-glass-7', 'Alice Liddell');
    aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    bob = await ApiClient.register(world.viaB.url, 'bob', 'builder-tools-7', 'Bob Builder');
    bobSocket = await bob.socket();
  }, 120_000);

  afterAll(async () => {
    bobSocket?.close();
    await stopWorld(world);
  }, 60_000);

  const serverView = (roomId: string) => aliceApi.call<MyRoom>('GET', `/api/rooms/${roomId}`);

  it('opens a room with more than a page of unread messages at the first unread one, and marks read only what was in view', async () => {
    const socket = bobSocket;
    if (!socket) throw new Error('no socket');
    const room = await bob.createRoom('backlog');
    for (let i = 1; i <= 5; i += 1) await socket.send(room.id, `already read ${i}`);
    await aliceApi.join(room.id); // her read mark starts at the room's head
    for (let i = 1; i <= 150; i += 1) await socket.send(room.id, `unread ${String(i).padStart(3, '0')}`);
    await visible(
      sidebar(alice.page)
        .getByRole('link', { name: /^backlog/ })
        .getByText('99+ unread'),
    );

    await openRoom(alice.page, /^backlog/);
    const log = messageLog(alice.page);
    await visible(log.getByRole('separator', { name: 'New messages' }));
    await visible(messageWith(alice.page, 'unread 001'));
    // At the first unread message, with the one before it for context; the newest is far below.
    expect(await inView(alice.page, messageWith(alice.page, 'unread 001'))).toBe(true);
    expect(await inView(alice.page, log.getByRole('separator', { name: 'New messages' }))).toBe(true);
    expect(await inView(alice.page, messageWith(alice.page, 'unread 150'))).toBe(false);

    // A bar says how many are still unread; the server's mark stays before what was not in view.
    const bar = alice.page.getByText(/^\d+ new messages?$/);
    await visible(bar);
    await visible(alice.page.getByRole('button', { name: 'Mark as read' }));
    const barCount = async () => Number((await bar.textContent())?.match(/\d+/)?.[0] ?? NaN);
    let read = await serverView(room.id);
    await eventually(async () => {
      read = await serverView(room.id);
      expect(read.lastReadSeq).toBeGreaterThan(5);
      expect(read.unread).toBe(await barCount());
    }, UI_TIMEOUT_MS);
    await alice.page.waitForTimeout(800);
    read = await serverView(room.id);
    expect(read.unread).toBeGreaterThanOrEqual(100);
    expect(read.lastReadSeq).toBeLessThan(read.lastSeq);
    const firstMark = read.lastReadSeq;

    // Scrolling down one screen reads that far, and no further.
    await log.evaluate((el) => el.scrollBy(0, el.clientHeight - 40));
    await eventually(async () => {
      read = await serverView(room.id);
      expect(read.lastReadSeq).toBeGreaterThan(firstMark);
      expect(read.unread).toBeGreaterThan(50);
      expect(await barCount()).toBe(read.unread);
    }, UI_TIMEOUT_MS);
    const secondMark = read.lastReadSeq;

    // Back up to the top: a read mark never moves back.
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await alice.page.waitForTimeout(800);
    expect((await serverView(room.id)).lastReadSeq).toBe(secondMark);

    // "Mark as read": all of it, at once; the bar and the badge go.
    await alice.page.getByRole('button', { name: 'Mark as read' }).click();
    await gone(bar);
    await eventually(async () => expect(await serverView(room.id)).toMatchObject({ unread: 0, lastReadSeq: read.lastSeq }), UI_TIMEOUT_MS);
    await gone(
      sidebar(alice.page)
        .getByRole('link', { name: /^backlog/ })
        .getByText(/unread/),
    );
  });

  it('counts my unread messages in the tab title, across rooms, and clears it as I read them', async () => {
    const socket = bobSocket;
    if (!socket) throw new Error('no socket');
    const quiet = await bob.createRoom('quiet');
    await aliceApi.join(quiet.id);
    const dm = await bob.call<MyRoom>('POST', '/api/dms', { userId: aliceApi.userId });
    await alice.page.goto('/');
    await visible(sidebar(alice.page).getByRole('link', { name: /^quiet/ }));
    await eventually(async () => expect(await alice.page.title()).toBe('Chat'), UI_TIMEOUT_MS);

    await socket.send(quiet.id, 'one');
    await socket.send(quiet.id, 'two');
    await socket.send(dm.id, 'psst');
    await eventually(async () => expect(await alice.page.title()).toBe('(3) Chat'), UI_TIMEOUT_MS);

    await openRoom(alice.page, /^quiet/);
    await eventually(async () => expect(await alice.page.title()).toBe('(1) quiet · Chat'), UI_TIMEOUT_MS);
    await openRoom(alice.page, /^Bob Builder/);
    await eventually(async () => expect(await alice.page.title()).toBe('Bob Builder · Chat'), UI_TIMEOUT_MS);

    // A message in the room I am reading, at the bottom, is read as it comes: no count.
    await socket.send(dm.id, 'still there?');
    await visible(messageWith(alice.page, 'still there?'));
    await alice.page.waitForTimeout(500);
    expect(await alice.page.title()).toBe('Bob Builder · Chat');
  });
});

import type { TcpProxy } from '@chat/test-harness';
import type { BrowserContext, Page } from 'playwright-core';
import { ApiClient } from './support/api';
import { count, gone, messageAction, messageWith, openRoom, registerViaUi, sendMessage, visible, type Tab } from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

const SOCKET_URL = /\/socket\.io\//;
/** Reconnects back off up to a few seconds (socket.io), on a busy machine: be patient. */
const RECONNECT_MS = 30_000;

/**
 * Cuts a browser profile off the realtime connection while pages and REST still load: the load
 * balancer refuses new Socket.IO connections, and polling requests on kept-alive connections fail.
 */
async function blockRealtime(context: BrowserContext, via: TcpProxy): Promise<{ unblock(): void }> {
  let blocked = true;
  via.blockRealtime(true);
  await context.route(SOCKET_URL, (route) => (blocked ? route.abort('connectionrefused') : route.continue()));
  return {
    unblock: () => {
      blocked = false;
      via.blockRealtime(false);
    },
  };
}

/** Every message of `texts` shows exactly once, and stays that way. */
async function exactlyOnce(page: Page, texts: readonly string[]): Promise<void> {
  for (const text of texts) await count(messageWith(page, text), 1, RECONNECT_MS);
  await page.waitForTimeout(1_000);
  for (const text of texts) await count(messageWith(page, text), 1, 1_000);
}

describe('reconnect and catch-up when a pod dies', () => {
  let world: World;
  let alice: Tab;
  let bob: Tab;

  beforeAll(async () => {
    world = await startWorld();
  }, 120_000);

  afterAll(async () => {
    await stopWorld(world);
  }, 60_000);

  it('sets up two people in one room, on different pods', async () => {
    alice = await newTab(world, world.viaA);
    bob = await newTab(world, world.viaB);
    await registerViaUi(alice.page, 'alice', 'looking-glass-7', 'Alice');
    await registerViaUi(bob.page, 'bob', 'builder-tools-7', 'Bob');
    const owner = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    const room = await owner.createRoom('ops');
    await (await ApiClient.login(world.viaB.url, 'bob', 'builder-tools-7')).join(room.id);
    await openRoom(alice.page, /^ops\b/);
    await openRoom(bob.page, /^ops\b/);
    await sendMessage(bob.page, 'before the crash');
    await visible(messageWith(alice.page, 'before the crash'));
    await sendMessage(alice.page, 'mine before the crash');
    await visible(messageWith(bob.page, 'mine before the crash'));
  });

  it('reconnects to the surviving pod and shows everything sent meanwhile exactly once', async () => {
    const [podA] = world.cluster.pods;
    // Hold Alice's reconnects back until Bob has written, so the catch-up path is what is tested.
    world.viaA.pause();
    await podA?.kill();
    await visible(alice.page.getByText(/Connection lost\. Reconnecting/));

    await sendMessage(alice.page, 'written while offline');
    await visible(messageWith(alice.page, 'written while offline').getByText('Waiting for the connection to send…'));
    // An edit made offline waits for the connection too (bug 9d), instead of being refused.
    await messageAction(messageWith(alice.page, 'mine before the crash'), 'Edit');
    const offlineEdit = alice.page.getByRole('textbox', { name: 'Edit message' });
    await offlineEdit.fill('mine, edited while offline');
    await offlineEdit.press('Enter');
    await visible(alice.page.getByText('Waiting for the connection to save…'));

    const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3', 'while you were away 4'];
    for (const text of missed) await sendMessage(bob.page, text);
    for (const text of missed) await visible(messageWith(bob.page, text).getByText('(sent)'));
    // An edit made while Alice is away reaches her through the catch-up too.
    await messageAction(messageWith(bob.page, 'while you were away 4'), 'Edit');
    await bob.page.getByRole('textbox', { name: 'Edit message' }).fill('while you were away 4, edited');
    await bob.page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    await visible(messageWith(bob.page, 'while you were away 4, edited'));

    world.viaA.resume();
    await visible(alice.page.getByText('Connected', { exact: true }), RECONNECT_MS);
    await exactlyOnce(alice.page, ['before the crash', ...missed.slice(0, 3), 'while you were away 4, edited', 'written while offline']);
    await visible(messageWith(alice.page, 'while you were away 4, edited').getByText('(edited)'));
    await visible(messageWith(alice.page, 'written while offline').getByText('(sent)'));
    await exactlyOnce(bob.page, ['written while offline']);
    await visible(messageWith(bob.page, 'mine, edited while offline').getByText('(edited)'));
    await visible(messageWith(alice.page, 'mine, edited while offline').getByText('(edited)'));

    // Live again, through pod B.
    await sendMessage(bob.page, 'after the failover');
    await visible(messageWith(alice.page, 'after the failover'));
  });

  it('keeps unsent messages and drafts across a reload while offline, then sends them once', async () => {
    const cut = await blockRealtime(alice.context, world.viaA);
    await alice.page.reload();
    await visible(alice.page.getByRole('heading', { name: '# ops' }));
    await visible(alice.page.getByText('Connecting…'));

    await sendMessage(alice.page, 'queued before a reload');
    const queued = messageWith(alice.page, 'queued before a reload');
    await visible(queued.getByText('Waiting for the connection to send…'));
    await alice.page.getByRole('textbox', { name: 'Message', exact: true }).fill('draft kept offline');
    await alice.page.waitForTimeout(200);

    await alice.page.reload();
    await visible(queued.getByText('Waiting for the connection to send…'));
    await expect(alice.page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).resolves.toBe('draft kept offline');

    cut.unblock();
    await visible(queued.getByText('(sent)'), RECONNECT_MS);
    await gone(alice.page.getByText('Waiting for the connection to send…'));
    await exactlyOnce(bob.page, ['queued before a reload']);
    await exactlyOnce(alice.page, ['queued before a reload', 'written while offline']);
    await alice.context.unrouteAll();
  });
});

import type { BrowserContext, Locator, Page } from 'playwright-core';
import { eventually } from '@chat/test-harness';
import { ApiClient, type SeedSocket } from './support/api';
import { DESKTOP, PHONE, UI_TIMEOUT_MS, messageLog, messageWith, registerViaUi, screenshot, visible, type Tab } from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** A logged-in browser profile without going through the login form. */
function sessionFor(origin: string, client: ApiClient): StorageState {
  return {
    cookies: [],
    origins: [
      {
        origin,
        localStorage: [
          { name: 'chat.token', value: client.auth.accessToken },
          { name: 'chat.user', value: JSON.stringify(client.auth.user) },
        ],
      },
    ],
  };
}

/** Whether the element is entirely inside the message list's visible area. */
async function inView(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const view = await messageLog(page).boundingBox();
  return !!box && !!view && box.y >= view.y - 1 && box.y + box.height <= view.y + view.height + 1;
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

function results(page: Page): Locator {
  return page.getByRole('main').getByRole('list').getByRole('link');
}

/**
 * Message search in the browser: the sidebar's box opens the results of my rooms only, and a hit
 * opens its room at that message, with the history around it loaded and the room still live.
 */
describe('message search in the browser', () => {
  let world: World;
  let alice: Tab;
  let aliceApi: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  const sockets: SeedSocket[] = [];

  beforeAll(async () => {
    world = await startWorld();
    alice = await newTab(world, world.viaA);
    await registerViaUi(alice.page, 'alice', 'looking-glass-7', 'Alice Liddell');
    aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    bob = await ApiClient.register(world.viaB.url, 'bob', 'builder-tools-7', 'Bob Builder');
    carol = await ApiClient.register(world.viaB.url, 'carol', 'marvel-flight-7', 'Carol Danvers');
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stopWorld(world);
  }, 60_000);

  it('finds a message in a room I am in, not one in a room I am not in, and jumps to it in its room', async () => {
    const [bobSocket, carolSocket] = await Promise.all([bob.socket(), carol.socket()]);
    sockets.push(bobSocket, carolSocket);
    const launch = await bob.createRoom('launch-plans');
    const lab = await carol.createRoom('secret-lab', 'private');
    await carolSocket.send(lab.id, 'The rocket prototype stays in the lab.');
    // The match is far back, two pages of history above the newest one.
    for (let i = 1; i <= 10; i += 1) await bobSocket.send(launch.id, `before ${i}`);
    const target = await bobSocket.send(launch.id, 'The rocket fuel order is confirmed for Friday.');
    for (let i = 1; i <= 120; i += 1) await bobSocket.send(launch.id, `later ${String(i).padStart(3, '0')}`);
    // Joined now, nothing is unread: the room would open at its newest message, the jump must load back.
    await aliceApi.join(launch.id);

    const page = alice.page;
    await page.goto('/');
    const box = page.getByRole('complementary').getByRole('searchbox', { name: 'Search messages' });
    await box.fill('Rocket');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=Rocket$/);
    await visible(page.getByRole('status').getByText('1 message matches “Rocket”.'));
    const hits = results(page);
    expect(await hits.count()).toBe(1);
    const hit = hits.first();
    await visible(hit.getByText('launch-plans'));
    await visible(hit.getByText('Bob Builder'));
    expect(await hit.locator('mark').allTextContents()).toEqual(['rocket']);
    expect(await page.getByRole('main').textContent()).not.toContain('secret-lab');
    expect(await page.getByRole('main').textContent()).not.toContain('prototype');

    const historyPages: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/api/rooms/${launch.id}/messages`)) historyPages.push(request.url());
    });
    await hit.click();
    await page.waitForURL(new RegExp(`/rooms/${launch.id}\\?at=${target.seq}$`));
    const found = messageWith(page, 'rocket fuel order');
    await visible(found);
    await eventually(async () => expect(await inView(page, found)).toBe(true), UI_TIMEOUT_MS);
    expect(await found.evaluate((el) => el.closest('app-message-item')?.classList.contains('is-revealed'))).toBe(true);
    // History around it is loaded: the newest page, older pages back to it, the messages before it too.
    expect(historyPages.filter((url) => url.includes('before=')).length).toBeGreaterThanOrEqual(2);
    await visible(messageWith(page, 'before 10'));
    expect(await messageWith(page, 'later 120').count()).toBe(1);
    expect(await inView(page, messageWith(page, 'later 120'))).toBe(false);

    // The room is live as ever: a new message arrives below, counted by "Jump to latest".
    await bobSocket.send(launch.id, 'liftoff in ten');
    const jump = page.getByRole('button', { name: /Jump to latest/ });
    await visible(jump.getByText('(1 new)'));
    expect(await inView(page, found)).toBe(true);
    await jump.click();
    await eventually(async () => expect(await inView(page, messageWith(page, 'liftoff in ten'))).toBe(true), UI_TIMEOUT_MS);
  });

  it('opens a hit that is a thread reply in its thread, beside the room, with the reply highlighted', async () => {
    const [aliceSocket, bobSocket] = await Promise.all([aliceApi.socket(), bob.socket()]);
    sockets.push(aliceSocket, bobSocket);
    const design = await bob.createRoom('design');
    await aliceApi.join(design.id);
    const root = await bobSocket.send(design.id, 'Which font for the new logo?');
    const reply = await aliceSocket.send(design.id, 'Inter for the wordmark, please', undefined, root.id);
    await bobSocket.send(design.id, 'Or a serif?', undefined, root.id);

    const page = alice.page;
    await page.goto('/search?q=wordmark');
    const hit = results(page).first();
    await visible(hit.getByText('in a thread'));
    await hit.click();
    await page.waitForURL(new RegExp(`/rooms/${design.id}\\?thread=${root.id}&reply=${reply.seq}$`));
    const thread = page.getByRole('complementary', { name: 'Thread' });
    await visible(thread.getByRole('article').filter({ hasText: 'Which font for the new logo?' }));
    const found = thread.getByRole('article').filter({ hasText: 'Inter for the wordmark, please' });
    await visible(found);
    await eventually(
      async () => expect(await found.evaluate((el) => el.closest('app-message-item')?.classList.contains('is-revealed'))).toBe(true),
      UI_TIMEOUT_MS,
    );
    // The other reply is not highlighted.
    const other = thread.getByRole('article').filter({ hasText: 'Or a serif?' });
    expect(await other.evaluate((el) => el.closest('app-message-item')?.classList.contains('is-revealed'))).toBe(false);
    // Closing the thread drops the reply from the address too.
    await thread.getByRole('button', { name: 'Close' }).click();
    await page.waitForURL(new RegExp(`/rooms/${design.id}$`));
  });

  it('results view at desktop and phone width (screenshots), nothing overflowing at 320 px', async () => {
    const [aliceSocket, bobSocket] = await Promise.all([aliceApi.socket(), bob.socket()]);
    sockets.push(aliceSocket, bobSocket);
    const general = await aliceApi.createRoom('general');
    await bob.join(general.id);
    const dm = await bob.call<{ id: string }>('POST', '/api/dms', { userId: aliceApi.userId });
    await bobSocket.send(general.id, 'Is the staging deploy done? The release notes are waiting on it.');
    await aliceSocket.send(general.id, 'Deployed at 10:42, smoke tests are green. Next deploy window is Thursday.');
    await bobSocket.send(dm.id, 'Can you review my deployment checklist before the retro? https://example.com/checklists/deploy-2024-q3');
    await aliceSocket.send(general.id, 'Reminder: no deploys on Friday afternoons, please.');

    const state = sessionFor(world.viaA.url, aliceApi);
    const query = '/search?q=deploy';
    for (const [size, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
        await tab.page.goto(query);
        await visible(tab.page.getByRole('status').getByText('4 messages match “deploy”.'));
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `search-${size}-${colorScheme}`);
        await tab.context.close();
      }
    }

    const narrow = await newTab(world, world.viaA, { viewport: { width: 320, height: 640 }, touch: true, storageState: state });
    await visible(narrow.page.getByRole('searchbox', { name: 'Search messages' }));
    await expectNoHorizontalOverflow(narrow.page);
    await narrow.page.goto(query);
    await visible(results(narrow.page).first());
    await expectNoHorizontalOverflow(narrow.page);
    await narrow.context.close();
  });
});

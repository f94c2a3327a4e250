import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { ApiClient, type SeedSocket } from './support/api';
import { DESKTOP, PHONE, messageWith, screenshot, visible } from './support/browser';
import { ADMIN_PASSWORD, ADMIN_USERNAME, newTab, startWorld, stopWorld, type World } from './support/world';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const VIEWPORTS = { desktop: DESKTOP, phone: PHONE } as const;
const SCHEMES = ['light', 'dark'] as const;

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

/** axe-core's rules for WCAG 2.x A and AA (and 2.1/2.2 AA), the ones the browser suite holds every page to. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core in the page and lists its serious and critical violations (rule, help, where). */
async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (rightly) refuses an injected <script>.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations;
  }, AXE_TAGS);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((n) => n.target))}`,
    );
}

/** Nothing sticks out sideways (the classic phone-width bug). */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/**
 * The main screens at desktop and phone width, light and dark, saved to docs/screenshots/
 * (checked in, looked at by people). Also checks that no screen overflows sideways.
 */
describe('screenshots of the main screens', () => {
  let world: World;
  let alice: ApiClient;
  let admin: ApiClient;
  let bobSocket: SeedSocket;
  let generalId = '';
  let threadRootId = '';

  beforeAll(async () => {
    world = await startWorld();
    const url = world.viaA.url;
    alice = await ApiClient.register(url, 'alice', 'looking-glass-7', 'Alice Liddell');
    const bob = await ApiClient.register(url, 'bob', 'builder-tools-7', 'Bob Builder');
    const carol = await ApiClient.register(url, 'carol', 'marvel-flight-7', 'Carol Danvers');
    const dave = await ApiClient.register(url, 'dave', 'open-pod-bay-7', 'Dave');
    admin = await ApiClient.login(url, ADMIN_USERNAME, ADMIN_PASSWORD);

    const general = await alice.createRoom('general');
    generalId = general.id;
    const design = await carol.createRoom('design-reviews');
    await alice.createRoom('launch-plans', 'private');
    for (const client of [bob, carol, dave]) await client.join(general.id);
    await alice.join(design.id);
    await alice.call('POST', '/api/dms', { userId: bob.userId });
    const carolDm = await carol.call<{ id: string }>('POST', '/api/dms', { userId: alice.userId });

    const [a, b, c, d] = await Promise.all([alice.socket(), bob.socket(), carol.socket(), dave.socket()]);
    bobSocket = b;
    const say = (s: SeedSocket, body: string, roomId = general.id) => s.send(roomId, body);
    await say(d, 'Morning all! Is the staging deploy done?');
    await say(b, 'Yes, finished ten minutes ago.');
    const notes = await say(b, 'Release notes are here: https://example.com/releases/2.4');
    const thanks = await say(a, 'Thanks Bob. I will run the smoke tests now.');
    const react = (s: SeedSocket, messageId: string, emoji: string) =>
      s.raw.timeout(5_000).emitWithAck('reaction:add', { messageId, emoji });
    for (const s of [a, c, d]) await react(s, notes.id, '🎉');
    await react(c, notes.id, '🚀');
    await react(b, thanks.id, '👍');
    threadRootId = notes.id;
    const reply = (s: SeedSocket, body: string) =>
      s.raw.timeout(5_000).emitWithAck('message:send', { roomId: general.id, clientMsgId: randomUUID(), body, threadRootId: notes.id });
    await reply(c, 'Do the notes cover the **login redirect** fix?');
    await reply(b, 'Yes, under _Fixes_. @carol see the second item.');
    const typo = await say(a, 'Found one isue with the login redirect.');
    await a.raw.timeout(5_000).emitWithAck('message:edit', { messageId: typo.id, body: 'Found one issue with the login redirect.' });
    const oops = await say(c, 'wrong room, sorry');
    await c.raw.timeout(5_000).emitWithAck('message:delete', { messageId: oops.id });
    await say(c, '@alice can you share the steps to reproduce?');
    await say(a, 'Sure:\n1. log out\n2. open a room link\n3. log in again: you land on the home page instead of the room.');
    await say(c, 'New mockups for the settings page are up.', design.id);
    await say(c, 'Feedback welcome before Thursday.', design.id);
    await say(c, 'Are you around for a quick call?', carolDm.id);
    for (const s of [a, c, d]) s.close();
    // Something for the admin view's audit log to show.
    await admin.call('POST', `/api/admin/users/${dave.userId}/ban`, { reason: 'testing the audit log' });
    await admin.call('DELETE', `/api/admin/users/${dave.userId}/ban`);
  }, 180_000);

  afterAll(async () => {
    bobSocket?.close();
    await stopWorld(world);
  }, 60_000);

  it('login', async () => {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of SCHEMES) {
        const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone' });
        await visible(tab.page.getByRole('heading', { name: 'Log in' }));
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `login-${size}-${colorScheme}`);
        await tab.context.close();
      }
    }
  });

  it('room view with messages', async () => {
    const state = sessionFor(world.viaA.url, alice);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of SCHEMES) {
        const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
        if (size === 'phone') {
          // On a phone the room list is its own screen.
          await visible(tab.page.getByRole('link', { name: /^design-reviews/ }).getByText('2 unread'));
          await expectNoHorizontalOverflow(tab.page);
          await screenshot(tab.page, `rooms-${size}-${colorScheme}`);
        }
        await tab.page.goto(`/rooms/${generalId}`);
        await visible(messageWith(tab.page, 'you land on the home page'));
        if (size === 'desktop') {
          await tab.page.getByRole('button', { name: 'Members' }).click();
          await visible(tab.page.getByRole('complementary', { name: /Members/ }).getByText('Bob Builder'));
        }
        // A fresh tab may show the history before its socket has joined the room, and typing is not
        // replayed: repeat it as a typing client does (every few seconds) until the tab shows it.
        const typing = () => bobSocket.raw.emit('typing', { roomId: generalId, typing: true });
        typing();
        const repeat = setInterval(typing, 1000);
        try {
          await visible(tab.page.getByText('Bob Builder is typing…'));
        } finally {
          clearInterval(repeat);
        }
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `room-${size}-${colorScheme}`);
        await tab.context.close();
      }
    }
  });

  it('reaction picker (axe-checked while open)', async () => {
    const state = sessionFor(world.viaA.url, alice);
    const found: string[] = [];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const colorScheme = size === 'phone' ? 'dark' : 'light';
      const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
      await tab.page.goto(`/rooms/${generalId}`);
      const message = messageWith(tab.page, 'Release notes are here');
      await visible(message.getByRole('button', { name: /^🎉 3: / }));
      await message.getByRole('button', { name: 'Add reaction', exact: true }).click();
      await message.getByRole('searchbox', { name: 'Search emoji' }).fill('ro');
      await visible(message.getByRole('button', { name: 'rocket', exact: true }));
      await message.locator('app-emoji-picker').scrollIntoViewIfNeeded();
      await expectNoHorizontalOverflow(tab.page);
      for (const violation of await seriousA11yViolations(tab.page)) found.push(`picker (${size}, ${colorScheme}): ${violation}`);
      await screenshot(tab.page, `reactions-${size}-${colorScheme}`, { keepFocus: true });
      await tab.context.close();
    }
    expect(found).toEqual([]);
  });

  it('room settings dialog (axe-checked while open)', async () => {
    const state = sessionFor(world.viaA.url, alice);
    const found: string[] = [];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const colorScheme = size === 'phone' ? 'dark' : 'light';
      const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
      await tab.page.goto(`/rooms/${generalId}`);
      await tab.page.getByRole('button', { name: 'Settings' }).click();
      const dialog = tab.page.getByRole('dialog', { name: 'Room settings' });
      await dialog.getByLabel('Topic').fill('Releases, deploys and the odd emoji');
      await expectNoHorizontalOverflow(tab.page);
      for (const violation of await seriousA11yViolations(tab.page)) found.push(`settings (${size}, ${colorScheme}): ${violation}`);
      await screenshot(tab.page, `room-settings-${size}-${colorScheme}`, { keepFocus: true });
      await tab.context.close();
    }
    expect(found).toEqual([]);
  });

  it('thread panel (axe-checked while open)', async () => {
    const state = sessionFor(world.viaA.url, alice);
    const found: string[] = [];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const colorScheme = size === 'phone' ? 'dark' : 'light';
      const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
      await tab.page.goto(`/rooms/${generalId}?thread=${threadRootId}`);
      const thread = tab.page.getByRole('complementary', { name: 'Thread' });
      await visible(thread.getByText('see the second item'));
      await expectNoHorizontalOverflow(tab.page);
      for (const violation of await seriousA11yViolations(tab.page)) found.push(`thread (${size}, ${colorScheme}): ${violation}`);
      await screenshot(tab.page, `thread-${size}-${colorScheme}`);
      await tab.context.close();
    }
    expect(found).toEqual([]);
  });

  it('room switcher (Ctrl+K)', async () => {
    const state = sessionFor(world.viaA.url, alice);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of SCHEMES) {
        const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
        await tab.page.goto(`/rooms/${generalId}`);
        await visible(messageWith(tab.page, 'you land on the home page'));
        await tab.page.keyboard.press('Control+k');
        const dialog = tab.page.getByRole('dialog', { name: 'Go to a room' });
        await visible(dialog.getByRole('option', { name: /^design-reviews/ }));
        await tab.page.keyboard.type('e');
        await tab.page.keyboard.press('ArrowDown');
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `switcher-${size}-${colorScheme}`, { keepFocus: true });
        await tab.context.close();
      }
    }
  });

  it('a long room name does not widen the layout on a 320 px phone (room list and room view)', async () => {
    const long = await alice.createRoom(`quarterly-planning-and-retrospective-notes-${'x'.repeat(30)}`);
    const tab = await newTab(world, world.viaA, {
      viewport: { width: 320, height: 640 },
      colorScheme: 'light',
      storageState: sessionFor(world.viaA.url, alice),
    });
    const rightEdge = async (name: string) => {
      const box = await tab.page.getByRole('button', { name }).boundingBox();
      return (box?.x ?? Infinity) + (box?.width ?? 0);
    };
    await visible(tab.page.getByRole('link', { name: /^quarterly-planning/ }));
    await expectNoHorizontalOverflow(tab.page);
    expect(await rightEdge('Log out')).toBeLessThanOrEqual(320);
    await tab.page.goto(`/rooms/${long.id}`);
    await visible(tab.page.getByRole('heading', { name: /quarterly-planning/ }));
    await expectNoHorizontalOverflow(tab.page);
    expect(await rightEdge('Leave room')).toBeLessThanOrEqual(320);
    // Muted, the longer "Unmute" still fits: the header's buttons go to a line of their own here.
    await tab.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await expectNoHorizontalOverflow(tab.page);
    expect(await rightEdge('Leave room')).toBeLessThanOrEqual(320);
    const subtitle = await tab.page.getByText(/^public · \d+ members?$/).boundingBox();
    const unmute = await tab.page.getByRole('button', { name: 'Unmute' }).boundingBox();
    expect((subtitle?.y ?? 0) + (subtitle?.height ?? 0)).toBeLessThanOrEqual(unmute?.y ?? 0);
    await tab.page.getByRole('button', { name: 'Unmute' }).click();
    // The composer's placeholder ("Message #quarterly-…") is cut on one line, not wrapped into a tall box.
    const composer = await tab.page.getByRole('textbox', { name: 'Message', exact: true }).boundingBox();
    expect(composer?.height ?? Infinity).toBeLessThan(60);
    await screenshot(tab.page, 'room-phone-320-long-name');
    await tab.context.close();
  });

  it('every page passes axe-core (no serious or critical violation), light and dark, desktop and phone', async () => {
    const pages: { path: string; as: ApiClient | null; ready: (page: Page) => Promise<void> }[] = [
      { path: '/login', as: null, ready: (page) => visible(page.getByRole('heading', { name: 'Log in' })) },
      { path: '/register', as: null, ready: (page) => visible(page.getByRole('heading', { name: 'Create account' })) },
      { path: '/', as: alice, ready: (page) => visible(page.getByRole('link', { name: /^design-reviews/ })) },
      { path: `/rooms/${generalId}`, as: alice, ready: (page) => visible(messageWith(page, 'you land on the home page')) },
      { path: '/rooms/browse', as: alice, ready: (page) => visible(page.getByRole('heading', { name: 'Public rooms' })) },
      { path: '/rooms/new', as: alice, ready: (page) => visible(page.getByRole('heading', { name: 'Create a room' })) },
      { path: '/dms/new', as: alice, ready: (page) => visible(page.getByRole('heading', { name: 'New message' })) },
      { path: '/profile', as: alice, ready: (page) => visible(page.getByRole('heading', { name: 'Profile' })) },
      { path: '/search?q=smoke', as: alice, ready: (page) => visible(page.getByText('I will run the smoke tests now')) },
      { path: '/admin', as: admin, ready: (page) => visible(page.getByRole('button', { name: 'Ban dave' })) },
    ];
    const found: string[] = [];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of SCHEMES) {
        // One tab per identity, going from page to page.
        for (const as of [null, alice, admin]) {
          const storageState = as ? sessionFor(world.viaA.url, as) : undefined;
          const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState });
          for (const { path, ready } of pages.filter((page) => page.as === as)) {
            await tab.page.goto(path);
            await ready(tab.page);
            for (const violation of await seriousA11yViolations(tab.page)) found.push(`${path} (${size}, ${colorScheme}): ${violation}`);
          }
          await tab.context.close();
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('admin view', async () => {
    const state = sessionFor(world.viaA.url, admin);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of SCHEMES) {
        const tab = await newTab(world, world.viaA, { viewport, colorScheme, touch: size === 'phone', storageState: state });
        await tab.page.goto('/admin');
        await visible(tab.page.getByRole('heading', { name: 'Live stats' }));
        await visible(tab.page.getByRole('button', { name: 'Ban dave' }));
        await visible(tab.page.getByRole('table').getByRole('row').nth(2));
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `admin-${size}-${colorScheme}`);
        const audit = tab.page.getByRole('heading', { name: 'Audit log' });
        await audit.scrollIntoViewIfNeeded();
        await visible(tab.page.getByText('“testing the audit log”'));
        await expectNoHorizontalOverflow(tab.page);
        await screenshot(tab.page, `admin-audit-${size}-${colorScheme}`);
        await tab.context.close();
      }
    }
  });
});

import type { Locator, Page } from 'playwright-core';
import { eventually } from '@chat/test-harness';
import { ApiClient } from './support/api';
import {
  UI_TIMEOUT_MS,
  count,
  focused,
  gone,
  messageLog,
  messageWith,
  openRoom,
  registerViaUi,
  sendMessage,
  sidebar,
  visible,
  type Tab,
} from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

/** The focused element, and how its focus shows. */
interface FocusStop {
  tag: string;
  role: string | null;
  name: string;
  focusVisible: boolean;
  outline: string;
  outlineWidth: number;
}

/** WCAG contrast of the avatar's text on its background, from the computed colours. */
function avatarLook(avatar: Locator): Promise<{ text: string; background: string; contrast: number }> {
  return avatar.evaluate((el) => {
    const style = getComputedStyle(el);
    const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const luminance = (css: string) => {
      const [r = 0, g = 0, b = 0] = rgb(css).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [hi, lo] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
    return { text: el.textContent?.trim() ?? '', background: style.backgroundColor, contrast: ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05) };
  });
}

/**
 * The keyboard way through the app (room switcher, ↑ to edit, Alt+↑/↓, visible focus), avatars,
 * and leaving a room only after saying so.
 */
describe('keyboard, avatars and leaving a room, in the browser', () => {
  let world: World;
  let alice: Tab;
  let page: Page;
  let aliceApi: ApiClient;
  let bob: ApiClient;
  const ids = { general: '', design: '', random: '', dm: '' };

  beforeAll(async () => {
    world = await startWorld();
    alice = await newTab(world, world.viaA);
    page = alice.page;
    await registerViaUi(page, 'alice', 'looking-glass-7', 'Alice Liddell');
    aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    bob = await ApiClient.register(world.viaB.url, 'bob', 'builder-tools-7', 'Bob Builder');
    ids.general = (await aliceApi.createRoom('general')).id;
    ids.design = (await aliceApi.createRoom('design')).id;
    // Bob's room: Alice is a member, not its owner, so she may leave it.
    ids.random = (await bob.createRoom('random')).id;
    await aliceApi.join(ids.random);
    await bob.join(ids.general);
    ids.dm = (await aliceApi.call<{ id: string }>('POST', '/api/dms', { userId: bob.userId })).id;
    const socket = await bob.socket();
    await socket.send(ids.general, 'Hi Alice, Bob here');
    socket.close();
    await visible(sidebar(page).getByRole('link', { name: /^Bob Builder/ }));
  }, 120_000);

  afterAll(async () => {
    await stopWorld(world);
  }, 60_000);

  const composer = (): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  const heading = (name: string): Locator => page.getByRole('heading', { level: 1, name });

  it('opens a room switcher with Ctrl+K: filter, arrows, Enter; Esc puts the focus back; the focus stays inside', async () => {
    await openRoom(page, /^general\b/);
    await focused(composer());
    const members = page.getByRole('button', { name: 'Members' });
    await members.focus();

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Go to a room' });
    await visible(dialog);
    const filter = dialog.getByRole('combobox', { name: 'Find a room or person' });
    await focused(filter);
    const options = dialog.getByRole('option');
    await count(options, 4);

    // Tab and Shift+Tab do not leave the dialog.
    for (const key of ['Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await filter.focus();

    // ↓ moves the active option (the focus stays in the box); Esc closes, focus back on "Members".
    await expect(options.nth(0).getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('ArrowDown');
    await eventually(async () => expect(await options.nth(1).getAttribute('aria-selected')).toBe('true'), UI_TIMEOUT_MS);
    await expect(filter.getAttribute('aria-activedescendant')).resolves.toBe(await options.nth(1).getAttribute('id'));
    await page.keyboard.press('Escape');
    await gone(dialog);
    await focused(members);

    // Typing filters; Enter opens the one left.
    await page.keyboard.press('Control+k');
    await focused(filter);
    await page.keyboard.type('des');
    await count(options, 1);
    await page.keyboard.press('Enter');
    await gone(dialog);
    await visible(heading('# design'));
    expect(page.url()).toContain(`/rooms/${ids.design}`);

    // Cmd+K as on a Mac; a DM found by its person's name.
    await page.keyboard.press('Meta+k');
    await visible(dialog);
    await page.keyboard.type('bob');
    await count(options, 1);
    await page.keyboard.press('Enter');
    await visible(heading('Bob Builder'));
  });

  it('moves to the previous and next room of the sidebar with Alt+↑ and Alt+↓', async () => {
    const order = await sidebar(page)
      .locator('a.room-link')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')?.split('/rooms/')[1] ?? ''));
    expect(order).toHaveLength(4);
    expect(order[order.length - 1]).toBe(ids.dm);
    await page.goto(`/rooms/${order[0]}`);
    await visible(messageLog(page));
    for (const id of order.slice(1)) {
      await page.keyboard.press('Alt+ArrowDown');
      await eventually(async () => expect(page.url()).toContain(`/rooms/${id}`), UI_TIMEOUT_MS);
    }
    // The end of the list: no wrapping round.
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForTimeout(200);
    expect(page.url()).toContain(`/rooms/${ids.dm}`);
    await page.keyboard.press('Alt+ArrowUp');
    await eventually(async () => expect(page.url()).toContain(`/rooms/${order[order.length - 2]}`), UI_TIMEOUT_MS);
  });

  it('edits my last message with ↑ in the empty composer; Esc cancels, back to the composer', async () => {
    await page.goto(`/rooms/${ids.general}`);
    await focused(composer());
    await sendMessage(page, 'first of mine');
    await sendMessage(page, 'last of mine');
    await visible(messageWith(page, 'last of mine').getByText('(sent)'));
    const box = page.getByRole('textbox', { name: 'Edit message' });

    // Not while the composer has text in it: ↑ moves the caret there.
    await composer().fill('a draft');
    await composer().press('ArrowUp');
    await page.waitForTimeout(200);
    await count(box, 0);
    await composer().fill('');

    await composer().press('ArrowUp');
    await focused(box);
    await expect(box.inputValue()).resolves.toBe('last of mine');
    await page.keyboard.press('Escape');
    await gone(box);
    await focused(composer());

    await composer().press('ArrowUp');
    await focused(box);
    await page.keyboard.type(', fixed');
    await page.keyboard.press('Enter');
    await visible(messageWith(page, 'last of mine, fixed').getByText('(edited)'));
    await focused(composer());
  });

  it('shows where the keyboard focus is on every control it reaches', async () => {
    await page.goto(`/rooms/${ids.general}`);
    await visible(messageWith(page, 'Hi Alice, Bob here'));
    // Tab from the top of the page to its end (from a start point that is no tab stop itself).
    await page.evaluate(() => {
      const start = document.createElement('div');
      start.tabIndex = -1;
      document.body.prepend(start);
      start.focus();
    });
    const stops: FocusStop[] = [];
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (!(el instanceof HTMLElement) || el === document.body) return null;
        const style = getComputedStyle(el);
        return {
          tag: el.tagName.toLowerCase(),
          role: el.getAttribute('role'),
          name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40),
          focusVisible: el.matches(':focus-visible'),
          outline: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth),
        };
      });
      if (!stop) break;
      stops.push(stop);
    }
    expect(stops.length).toBeGreaterThan(10);
    const invisible = stops.filter((stop) => !stop.focusVisible || stop.outline === 'none' || stop.outlineWidth < 2);
    expect(invisible).toEqual([]);
    // Links, buttons, the message list and the composer were all among them.
    expect(stops.some((stop) => stop.tag === 'a')).toBe(true);
    expect(stops.some((stop) => stop.tag === 'button')).toBe(true);
    expect(stops.some((stop) => stop.role === 'log')).toBe(true);
    expect(stops.some((stop) => stop.tag === 'textarea')).toBe(true);
  });

  it('shows initials avatars on a stable colour by messages, in the DM list and among the members, readable in both themes', async () => {
    await page.goto(`/rooms/${ids.general}`);
    const inTimeline = await avatarLook(messageWith(page, 'Hi Alice, Bob here').locator('.avatar'));
    expect(inTimeline.text).toBe('BB');
    expect(inTimeline.contrast).toBeGreaterThanOrEqual(4.5);

    const inSidebar = await avatarLook(
      sidebar(page)
        .getByRole('link', { name: /^Bob Builder/ })
        .locator('.avatar'),
    );
    expect(inSidebar).toEqual(inTimeline);

    await page.getByRole('button', { name: 'Members' }).click();
    const panel = page.getByRole('complementary', { name: /Members/ });
    const inMembers = await avatarLook(panel.getByRole('listitem').filter({ hasText: 'Bob Builder' }).locator('.avatar'));
    expect(inMembers).toEqual(inTimeline);
    expect((await avatarLook(panel.getByRole('listitem').filter({ hasText: 'Alice Liddell' }).locator('.avatar'))).text).toBe('AL');
    await page.getByRole('button', { name: 'Members' }).click();

    const dark = await newTab(world, world.viaA, { colorScheme: 'dark', storageState: await alice.context.storageState() });
    await dark.page.goto(`/rooms/${ids.general}`);
    const inDark = await avatarLook(messageWith(dark.page, 'Hi Alice, Bob here').locator('.avatar'));
    expect(inDark).toEqual(inTimeline);
    await dark.context.close();
  });

  it('asks before leaving a room, Cancel first, shows a refusal in the server’s words, then leaves', async () => {
    await openRoom(page, /^random\b/);
    const leave = page.getByRole('button', { name: 'Leave room' });
    const dialog = page.getByRole('dialog', { name: 'Leave #random?' });

    // Esc, or Enter right away (on Cancel), keep the room; the focus goes back to "Leave room".
    await leave.click();
    await visible(dialog);
    await focused(dialog.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Escape');
    await gone(dialog);
    await focused(leave);
    await page.keyboard.press('Enter');
    await visible(dialog);
    await focused(dialog.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Enter');
    await gone(dialog);
    await visible(heading('# random'));

    // The server refuses (as it does for an owner): its words, in the dialog; still in the room.
    const refusal = 'The owner cannot leave the room. Make someone else its owner first.';
    await page.route(/\/api\/rooms\/[^/]+\/leave$/, (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'FORBIDDEN', message: refusal } }),
      }),
    );
    await leave.click();
    await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
    await visible(dialog.getByRole('alert').filter({ hasText: refusal }));
    await visible(heading('# random'));
    await page.unrouteAll();

    await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
    await gone(dialog);
    await eventually(async () => expect(new URL(page.url()).pathname).toBe('/'), UI_TIMEOUT_MS);
    await count(sidebar(page).getByRole('link', { name: /^random\b/ }), 0);
  });
});

import type { Locator, Page } from 'playwright-core';
import { ApiClient, type SeedSocket } from './support/api';
import { eventually } from '@chat/test-harness';
import {
  PHONE,
  UI_TIMEOUT_MS,
  accessibleNames,
  count,
  focused,
  gone,
  loginViaUi,
  messageAction,
  messageLog,
  messageWith,
  openRoom,
  registerViaUi,
  screenshot,
  sendMessage,
  sidebar,
  visible,
  type Tab,
} from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

/**
 * The main user journeys, two people on two different pods: live chat, typing, edit/delete (also
 * by keyboard and on a touch screen), text-only bodies, history paging, DMs, reload, and the
 * admin's moderation.
 */
describe('chat in the browser, across two pods', () => {
  let world: World;
  let alice: Tab;
  let bob: Tab;
  let carol: ApiClient;
  let carolSocket: SeedSocket | undefined;
  let generalId = '';

  beforeAll(async () => {
    world = await startWorld();
  }, 120_000);

  afterAll(async () => {
    carolSocket?.close();
    await stopWorld(world);
  }, 60_000);

  const composer = (page: Page): Locator => page.getByRole('textbox', { name: 'Message', exact: true });
  const hasFocus = (locator: Locator): Promise<boolean> => locator.evaluate((el) => el === document.activeElement);

  it('registers two people, each on their own pod', async () => {
    alice = await newTab(world, world.viaA);
    bob = await newTab(world, world.viaB);
    await registerViaUi(alice.page, 'alice', 'looking-glass-7', 'Alice Liddell');
    await registerViaUi(bob.page, 'bob', 'builder-tools-7', 'Bob Builder');
    await visible(alice.page.getByText('Connected', { exact: true }));
    await visible(bob.page.getByText('Connected', { exact: true }));

    // One live connection on each pod: the two tabs really are on different pods.
    await eventually(async () => {
      const stats = await world.admin.stats();
      const byPod = new Map(stats.pods.map((p) => [p.podId, p.connections]));
      expect(byPod.get(world.cluster.pods[0]?.podId ?? '')).toBeGreaterThanOrEqual(1);
      expect(byPod.get(world.cluster.pods[1]?.podId ?? '')).toBeGreaterThanOrEqual(1);
    }, UI_TIMEOUT_MS);
  });

  it('sends a stale or invalid session back to the login page with a message', async () => {
    const stale = await newTab(world, world.viaA);
    await stale.page.evaluate(() => {
      localStorage.setItem('chat.token', 'not-a-real-token');
      localStorage.setItem('chat.user', JSON.stringify({ id: 'x', username: 'ghost', displayName: 'Ghost', role: 'user' }));
    });
    await stale.page.goto('/');
    await visible(stale.page.getByRole('heading', { name: 'Log in' }));
    await visible(stale.page.getByText('Your session expired, please log in again'));
    await stale.context.close();
  });

  it('creates a room, lets the other person find and join it, and chats live', async () => {
    await alice.page.getByRole('link', { name: 'New room', exact: true }).click();
    await alice.page.getByLabel('Room name').fill('general');
    await alice.page.getByRole('button', { name: 'Create room' }).click();
    await visible(alice.page.getByRole('heading', { name: '# general' }));
    generalId = alice.page.url().split('/rooms/')[1] ?? '';

    await bob.page.getByRole('link', { name: 'Browse', exact: true }).click();
    await bob.page.getByLabel('Search public rooms').fill('gen');
    await bob.page.getByRole('button', { name: 'Join general' }).click();
    await visible(bob.page.getByRole('heading', { name: '# general' }));
    // Alice's header counts Bob at once (room:members), without a reload.
    await visible(alice.page.getByText('public · 2 members'));

    await sendMessage(alice.page, 'Hello from pod A');
    await visible(messageWith(bob.page, 'Hello from pod A'));
    await sendMessage(bob.page, 'Hi Alice, pod B here');
    await visible(messageWith(alice.page, 'Hi Alice, pod B here'));
    // Sent, then confirmed: the pending state goes away and the message shows as sent.
    await gone(messageLog(alice.page).getByText('Sending…'));
    await visible(messageWith(alice.page, 'Hello from pod A').getByText('(sent)'));
    await expect(composer(alice.page).inputValue()).resolves.toBe('');
  });

  it('puts the cursor in the composer when a room opens', async () => {
    await alice.page.goto('/');
    await visible(sidebar(alice.page));
    await openRoom(alice.page, /^general\b/);
    await focused(composer(alice.page));
  });

  it('shows who is typing, one or several people', async () => {
    carol = await ApiClient.register(world.cluster.pods[1]?.baseUrl ?? '', 'carol', 'marvel-flight-7', 'Carol');
    await carol.join(generalId);
    carolSocket = await carol.socket();

    await composer(bob.page).pressSequentially('I am thinking', { delay: 20 });
    // By display name, as the messages show them.
    await visible(alice.page.getByText('Bob Builder is typing…'));
    carolSocket.raw.emit('typing', { roomId: generalId, typing: true });
    await visible(alice.page.getByText('Bob Builder and Carol are typing…'));
    carolSocket.raw.emit('typing', { roomId: generalId, typing: false });
    await composer(bob.page).fill('');
    await gone(alice.page.getByText(/is typing…|are typing…/));
  });

  it('lists the members with their online state', async () => {
    await alice.page.getByRole('button', { name: 'Members' }).click();
    const panel = alice.page.getByRole('complementary', { name: /Members/ });
    await visible(panel.getByRole('listitem').filter({ hasText: 'Bob Builder' }).filter({ hasText: '(online)' }));
    await visible(panel.getByRole('listitem').filter({ hasText: 'Carol' }).filter({ hasText: '(online)' }));
    carolSocket?.close();
    carolSocket = undefined;
    await visible(panel.getByRole('listitem').filter({ hasText: 'Carol' }).filter({ hasText: '(offline)' }));
    await alice.page.getByRole('button', { name: 'Members' }).click();
  });

  it('edits and deletes in place, and the other side sees both', async () => {
    await sendMessage(alice.page, 'This has a tpyo');
    await sendMessage(alice.page, 'This will be deleted');
    await visible(messageWith(bob.page, 'This will be deleted'));

    await messageAction(messageWith(alice.page, 'This has a tpyo'), 'Edit');
    const edit = alice.page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('This had a typo, fixed');
    await edit.press('Enter');
    await visible(messageWith(bob.page, 'This had a typo, fixed').getByText('(edited)'));
    await count(messageWith(bob.page, 'tpyo'), 0);

    const doomed = messageWith(alice.page, 'This will be deleted');
    await messageAction(doomed, 'Delete');
    await doomed.getByRole('button', { name: 'Delete', exact: true }).click();
    await count(messageWith(bob.page, 'This will be deleted'), 0);
    await visible(messageWith(bob.page, 'This message was deleted.'));
  });

  it('reacts from both pods at once: each sees the same chips and counts, a press toggles mine, long lists name everyone', async () => {
    await sendMessage(alice.page, 'React to this one');
    const onAlice = messageWith(alice.page, 'React to this one');
    const onBob = messageWith(bob.page, 'React to this one');
    await visible(onBob);
    const chip = (message: Locator, emoji: string) => message.getByRole('button', { name: new RegExp(`^${emoji} \\d+:`) });
    /** From the message's actions: the picker, a search, Enter for the first match. */
    const pick = async (message: Locator, search: string) => {
      await messageAction(message, 'Add reaction');
      const box = message.getByRole('searchbox', { name: 'Search emoji' });
      await focused(box);
      await box.fill(search);
      await box.press('Enter');
      await gone(box);
    };

    // Both at the same moment, each on their own pod.
    await Promise.all([pick(onAlice, 'tada'), pick(onBob, 'party popper')]);
    for (const message of [onAlice, onBob]) {
      await eventually(async () => expect(await chip(message, '🎉').getAttribute('aria-label')).toMatch(/^🎉 2: /), UI_TIMEOUT_MS);
      await expect(chip(message, '🎉').getAttribute('aria-pressed')).resolves.toBe('true');
    }
    await expect(chip(onAlice, '🎉').getAttribute('title')).resolves.toMatch(/^(You and Bob Builder|Bob Builder and You) reacted with 🎉$/);

    // Bob presses the chip: his goes, Alice sees one left that is not his.
    await chip(onBob, '🎉').click();
    await eventually(async () => expect(await chip(onAlice, '🎉').getAttribute('title')).toBe('You reacted with 🎉'), UI_TIMEOUT_MS);
    await expect(chip(onBob, '🎉').getAttribute('aria-pressed')).resolves.toBe('false');

    // "+" beside the chips opens the picker, whose first row is what I used last.
    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'Add reaction', exact: true }).first().click();
    const recent = onAlice.getByRole('group', { name: 'Recently used' });
    await expect(recent.getByRole('button').first().getAttribute('title')).resolves.toBe(':tada:');
    await onAlice.getByRole('button', { name: 'thumbsup', exact: true }).click();
    await visible(chip(onBob, '👍'));
    await expect(chip(onBob, '👍').getAttribute('title')).resolves.toBe('Alice Liddell reacted with 👍');
  });

  it('mentions: @ suggests members, the mentioned tab (hidden) gets a notification, a muted room stays quiet', async () => {
    // Bob allows notifications on his profile page (the browser's permission granted for this test).
    await bob.context.grantPermissions(['notifications'], { origin: world.viaB.url });
    await bob.page.goto('/profile');
    const desktop = bob.page.getByRole('checkbox', { name: 'Desktop notifications' });
    await desktop.check();
    await expect(desktop.isChecked()).resolves.toBe(true);
    await bob.page.goto(`/rooms/${generalId}`);
    await visible(messageWith(bob.page, 'Hello from pod A'));
    // His tab goes to the background; what it shows is recorded.
    await bob.page.evaluate(() => {
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      const Real = window.Notification;
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body ?? '' });
        }
      };
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
    });
    const shown = () => bob.page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);

    // Alice types @bo: Bob is suggested; Enter takes him.
    const box = composer(alice.page);
    await box.fill('');
    await box.pressSequentially('@bo');
    const suggestions = alice.page.getByRole('listbox', { name: 'People to mention' });
    await visible(suggestions.getByRole('option', { name: /Bob Builder/ }));
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('@bob ');
    await box.pressSequentially('can you review the release notes?');
    await box.press('Enter');

    const mention = messageWith(bob.page, 'can you review the release notes?');
    await visible(mention);
    await expect(mention.getAttribute('class')).resolves.toContain('msg--mentions-me');
    await expect(mention.locator('.md-mention--me').textContent()).resolves.toBe('@bob');
    await eventually(
      async () => expect(await shown()).toEqual([{ title: 'Alice Liddell in #general', body: '@bob can you review the release notes?' }]),
      UI_TIMEOUT_MS,
    );

    // Muted: no notification for the next mention.
    await bob.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect(bob.page.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await sendMessage(alice.page, '@bob one more thing');
    await visible(messageWith(bob.page, 'one more thing'));
    await bob.page.waitForTimeout(300);
    await expect(shown()).resolves.toHaveLength(1);
    await bob.page.getByRole('button', { name: 'Unmute' }).click();
    await bob.page.reload();
  });

  it('threads: a reply from one pod shows as "1 reply" under its root on the other, both talk in the panel, the room stays clean', async () => {
    await sendMessage(alice.page, 'Who can take the release?');
    const rootOnAlice = messageWith(alice.page, 'Who can take the release?');
    await visible(messageWith(bob.page, 'Who can take the release?'));

    await messageAction(rootOnAlice, 'Reply in thread');
    const aliceThread = alice.page.getByRole('complementary', { name: 'Thread' });
    await visible(aliceThread.getByText('Who can take the release?'));
    const aliceBox = aliceThread.getByRole('textbox', { name: 'Message', exact: true });
    await focused(aliceBox);
    await aliceBox.fill('I can, after lunch');
    await aliceBox.press('Enter');
    await visible(aliceThread.getByRole('article').filter({ hasText: 'I can, after lunch' }));

    // Bob, on the other pod: the root says "1 reply"; the reply is not in the room's list.
    const summary = messageWith(bob.page, 'Who can take the release?').getByRole('link', { name: /^1 reply/ });
    await visible(summary);
    await count(messageWith(bob.page, 'I can, after lunch'), 0);
    await summary.click();
    const bobThread = bob.page.getByRole('complementary', { name: 'Thread' });
    await visible(bobThread.getByRole('article').filter({ hasText: 'I can, after lunch' }));
    const bobBox = bobThread.getByRole('textbox', { name: 'Message', exact: true });
    await bobBox.fill('Great, thanks!');
    await bobBox.press('Enter');

    // Alice sees Bob's reply live in her panel, and the count under the root.
    await visible(aliceThread.getByRole('article').filter({ hasText: 'Great, thanks!' }));
    await visible(rootOnAlice.getByRole('link', { name: /^2 replies/ }));
    await count(messageWith(alice.page, 'Great, thanks!'), 0);
    await aliceThread.getByRole('button', { name: 'Close' }).click();
    await gone(aliceThread);
    await bobThread.getByRole('button', { name: 'Close' }).click();
  });

  it('edits and deletes by keyboard: focus goes into the editor or the confirmation and comes back', async () => {
    const page = alice.page;
    await sendMessage(page, 'keyboard edit me');
    await sendMessage(page, 'keyboard delete me');
    const editMe = messageWith(page, 'keyboard edit me');
    const deleteMe = messageWith(page, 'keyboard delete me');
    await visible(deleteMe.getByText('(sent)'));

    // One tab stop per message of mine, its "Message actions", not one per action.
    for (const message of [editMe, deleteMe]) {
      const stops = await message.evaluate((el) =>
        Array.from(el.querySelectorAll<HTMLElement>('a[href], button, textarea, input, [tabindex]'))
          .filter((control) => control.tabIndex >= 0 && !control.matches(':disabled'))
          .map((control) => control.getAttribute('aria-label') ?? control.textContent?.trim()),
      );
      expect(stops).toEqual(['Message actions']);
    }

    // Edit (after Add reaction and Reply in thread in the actions): into the box, caret after the text; Escape cancels, back to the message's actions.
    const editActions = editMe.getByRole('button', { name: 'Message actions' });
    const box = page.getByRole('textbox', { name: 'Edit message' });
    await editActions.focus();
    await page.keyboard.press('Enter');
    await focused(editMe.getByRole('button', { name: 'Add reaction', exact: true }));
    await page.keyboard.press('Tab');
    await focused(editMe.getByRole('button', { name: 'Reply in thread', exact: true }));
    await page.keyboard.press('Tab');
    await focused(editMe.getByRole('button', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await focused(box);
    await page.keyboard.type(', or not');
    await expect(box.inputValue()).resolves.toBe('keyboard edit me, or not');
    await page.keyboard.press('Escape');
    await gone(box);
    await focused(editActions);

    // Saved with Enter: focus back on the edited message's actions, not lost to the page.
    await page.keyboard.press('Enter');
    await focused(editMe.getByRole('button', { name: 'Add reaction', exact: true }));
    await page.keyboard.press('Tab');
    await focused(editMe.getByRole('button', { name: 'Reply in thread', exact: true }));
    await page.keyboard.press('Tab');
    await focused(editMe.getByRole('button', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    await focused(box);
    await page.keyboard.type(', edited by keyboard');
    await page.keyboard.press('Enter');
    await visible(messageWith(bob.page, 'keyboard edit me, edited by keyboard').getByText('(edited)'));
    await focused(messageWith(page, 'keyboard edit me, edited by keyboard').getByRole('button', { name: 'Message actions' }));

    // Delete: the confirmation's Cancel takes the focus; Escape cancels, back to the actions.
    const deleteActions = deleteMe.getByRole('button', { name: 'Message actions' });
    const openDelete = async () => {
      await page.keyboard.press('Enter');
      await focused(deleteMe.getByRole('button', { name: 'Add reaction', exact: true }));
      for (let stop = 0; stop < 3; stop += 1) await page.keyboard.press('Tab');
      await focused(deleteMe.getByRole('button', { name: 'Delete', exact: true }));
      await page.keyboard.press('Enter');
      await focused(deleteMe.getByRole('button', { name: 'Cancel' }));
    };
    await deleteActions.focus();
    await openDelete();
    await page.keyboard.press('Escape');
    await gone(deleteMe.getByText('Delete this message?'));
    await focused(deleteActions);

    // Confirmed: the message and its actions are gone, the focus goes back to the composer.
    await openDelete();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await count(messageWith(bob.page, 'keyboard delete me'), 0);
    await count(messageWith(page, 'keyboard delete me'), 0);
    await focused(composer(page));
  });

  it('on a touch screen: no keyboard popped on opening a room, one small actions button instead of a row', async () => {
    const phone = await newTab(world, world.viaA, { viewport: PHONE, touch: true, storageState: await alice.context.storageState() });
    await phone.page.goto(`/rooms/${generalId}`);
    const mine = messageWith(phone.page, 'keyboard edit me, edited by keyboard');
    await visible(mine);
    await visible(composer(phone.page));
    await phone.page.waitForTimeout(300);
    expect(await hasFocus(composer(phone.page))).toBe(false);

    // Only the "⋯", always shown (no hover here), beside the text: no Edit/Delete row under every message.
    const actions = mine.getByRole('button', { name: 'Message actions' });
    expect(await actions.evaluate((el) => el.checkVisibility({ opacityProperty: true }))).toBe(true);
    await expect(mine.getByRole('button', { name: /^(Edit|Delete)$/ }).count()).resolves.toBe(0);
    const layout = await mine.evaluate((el) => {
      const body = el.querySelector('p')?.getBoundingClientRect();
      const button = el.querySelector('button')?.getBoundingClientRect();
      return { belowBody: el.getBoundingClientRect().bottom - (body?.bottom ?? 0), gap: (button?.left ?? 0) - (body?.right ?? 0) };
    });
    expect(layout.belowBody).toBeLessThan(8);
    expect(layout.gap).toBeGreaterThanOrEqual(0);

    // A tap opens Edit and Delete; a tap elsewhere closes them.
    await actions.tap();
    await visible(mine.getByRole('button', { name: 'Edit', exact: true }));
    await visible(mine.getByRole('button', { name: 'Delete', exact: true }));
    await phone.page.getByRole('heading', { name: '# general' }).tap();
    await gone(mine.getByRole('group', { name: 'Message actions' }));
    await phone.context.close();
  });

  it('shows message bodies as text and only makes safe links', async () => {
    await sendMessage(bob.page, '<img src=x onerror=alert(1)>');
    await sendMessage(bob.page, '<script>alert(2)</script> docs: https://example.com/guide?a=1 and javascript:alert(3)');
    await visible(messageWith(alice.page, '<img src=x onerror=alert(1)>'));
    const withLink = messageWith(alice.page, '<script>alert(2)</script>');
    await visible(withLink);

    await expect(messageLog(alice.page).locator('img, script').count()).resolves.toBe(0);
    const link = withLink.getByRole('link', { name: 'https://example.com/guide?a=1' });
    await expect(link.getAttribute('href')).resolves.toBe('https://example.com/guide?a=1');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(withLink.getByRole('link').count()).resolves.toBe(1);
    await alice.page.waitForTimeout(300);
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);
  });

  it('formats Markdown for the reader and keeps the body as typed for its writer', async () => {
    await sendMessage(alice.page, '**Ship it** :rocket: when `npm test` passes:\n\n```\nnpm ci && npm test\n```\n\n1. merge\n2. tag');
    const onBob = messageWith(bob.page, 'Ship it');
    await visible(onBob);
    await expect(onBob.locator('strong').textContent()).resolves.toBe('Ship it');
    await expect(onBob.getByRole('img', { name: 'rocket' }).textContent()).resolves.toBe('🚀');
    await expect(onBob.locator('code').first().textContent()).resolves.toBe('npm test');
    await expect(onBob.locator('pre').textContent()).resolves.toBe('npm ci && npm test');
    await expect(onBob.getByRole('listitem').allTextContents()).resolves.toEqual(['merge', 'tag']);

    await messageAction(messageWith(alice.page, 'Ship it'), 'Edit');
    const edit = alice.page.getByRole('textbox', { name: 'Edit message' });
    await expect(edit.inputValue()).resolves.toBe(
      '**Ship it** :rocket: when `npm test` passes:\n\n```\nnpm ci && npm test\n```\n\n1. merge\n2. tag',
    );
    await edit.press('Escape');
    await gone(edit);
  });

  it('pages back through a long history without jumping, and offers a way back to the latest', async () => {
    const seeder = await ApiClient.register(world.cluster.pods[0]?.baseUrl ?? '', 'historian', 'old-records-77', 'Historian');
    const room = await seeder.createRoom('history');
    const socket = await seeder.socket();
    try {
      for (let i = 1; i <= 120; i += 1) await socket.send(room.id, `history ${String(i).padStart(3, '0')}`);
      const aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
      await aliceApi.join(room.id);

      // Slow the history requests down a little, so the view can be measured while a page loads.
      await alice.context.route(/\/api\/rooms\/[^/]+\/messages/, async (route) => {
        await new Promise((done) => setTimeout(done, 300));
        await route.continue();
      });
      await openRoom(alice.page, /^history\b/);
      const log = messageLog(alice.page);
      await visible(messageWith(alice.page, 'history 120'));
      // The newest page of 50: Alice's join (a room notice, not an article) and 49 messages.
      await visible(log.locator('.room-notice').filter({ hasText: 'Alice Liddell joined the room' }));
      await count(log.getByRole('article'), 49);

      // Scroll to the top until the beginning: each older page goes in above without moving the view.
      for (let page = 0; page < 5; page += 1) {
        if (await alice.page.getByText('This is the beginning of the conversation.').isVisible()) break;
        const loaded = await log.getByRole('article').count();
        const anchorText = (await log.getByRole('article').first().textContent())?.match(/history \d{3}/)?.[0] ?? '';
        await log.evaluate((el) => el.scrollTo({ top: 0 }));
        // Its bottom edge (its text) must stay put; its header may fold into the group above.
        const before = await messageWith(alice.page, anchorText).evaluate((el) => el.getBoundingClientRect().bottom);
        await eventually(async () => expect(await log.getByRole('article').count()).toBeGreaterThan(loaded), UI_TIMEOUT_MS);
        await alice.page.waitForTimeout(100);
        const after = await messageWith(alice.page, anchorText).evaluate((el) => el.getBoundingClientRect().bottom);
        expect(Math.abs(after - before)).toBeLessThanOrEqual(2);
      }
      await visible(alice.page.getByText('This is the beginning of the conversation.'));
      await count(log.getByRole('article'), 120);
      await count(messageWith(alice.page, 'history 001'), 1);

      // Away from the bottom: a new message does not pull the reader down; "Jump to latest" does.
      const jump = alice.page.getByRole('button', { name: /Jump to latest/ });
      await visible(jump);
      const top = await log.evaluate((el) => el.scrollTop);
      await socket.send(room.id, 'history live 121');
      await visible(alice.page.getByRole('button', { name: 'Jump to latest (1 new)' }));
      expect(await log.evaluate((el) => el.scrollTop)).toBe(top);
      await jump.click();
      await gone(jump);
      await eventually(async () => {
        const box = await messageWith(alice.page, 'history live 121').boundingBox();
        const view = await log.boundingBox();
        expect(box && view && box.y + box.height <= view.y + view.height + 1).toBe(true);
      }, UI_TIMEOUT_MS);
    } finally {
      socket.close();
      await alice.context.unrouteAll();
    }
  });

  it('brings my own message into view when I send while reading history, the focus staying in the composer', async () => {
    const log = messageLog(alice.page);
    const jump = alice.page.getByRole('button', { name: /Jump to latest/ });
    await visible(messageWith(alice.page, 'history live 121'));
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await visible(jump);

    await composer(alice.page).fill('a reply from up in the history');
    await composer(alice.page).press('Enter');
    const mine = messageWith(alice.page, 'a reply from up in the history');
    await eventually(async () => {
      const box = await mine.boundingBox();
      const view = await log.boundingBox();
      expect(box && view && box.y >= view.y && box.y + box.height <= view.y + view.height + 1).toBe(true);
    }, UI_TIMEOUT_MS);
    await gone(jump);
    expect(await hasFocus(composer(alice.page))).toBe(true);
  });

  it('starts a direct message by searching people, with unread badge and presence', async () => {
    await alice.page.getByRole('link', { name: 'New message', exact: true }).click();
    await alice.page.getByLabel('Search people').fill('bob');
    await alice.page.getByRole('button', { name: 'Message bob' }).click();
    await visible(alice.page.getByRole('heading', { name: 'Bob Builder' }));
    await sendMessage(alice.page, 'psst, a private word');

    // Bob is elsewhere: the DM shows up with an unread badge and Alice's presence.
    await bob.page.getByRole('link', { name: /^general\b/ }).click();
    const dm = sidebar(bob.page).getByRole('link', { name: /Alice Liddell/ });
    await visible(dm.getByText('1 unread'));
    await visible(dm.getByText('(online)'));
    await dm.click();
    await visible(messageWith(bob.page, 'psst, a private word'));
    await gone(dm.getByText(/unread/));
    // A DM's header says whether the other person is there, live: Carol comes and goes.
    const bobId = await bob.page.evaluate(() => (JSON.parse(localStorage.getItem('chat.user') ?? '{}') as { id: string }).id);
    const withCarol = await carol.call<{ id: string }>('POST', '/api/dms', { userId: bobId });
    await bob.page.goto(`/rooms/${withCarol.id}`);
    const presence = bob.page.getByRole('status').filter({ hasText: /online|offline/ });
    await visible(presence.getByText('offline', { exact: true }));
    const carolHere = await carol.socket();
    await visible(presence.getByText('online', { exact: true }));
    carolHere.close();
    await visible(presence.getByText('offline', { exact: true }));
    await dm.click();
    await visible(messageWith(bob.page, 'psst, a private word'));
  });

  it('starts a group message with two people, which reaches both live, named after the others', async () => {
    await alice.page.getByRole('link', { name: 'New message', exact: true }).click();
    const search = alice.page.getByLabel('Search people');
    await search.fill('bob');
    await alice.page.getByRole('button', { name: 'Add to group bob' }).click();
    // The box empties and keeps the focus, for the next person.
    await focused(search);
    await expect(search.inputValue()).resolves.toBe('');
    await search.fill('carol');
    await alice.page.getByRole('button', { name: 'Add to group carol' }).click();
    const group = alice.page.getByRole('region', { name: 'Group message with' });
    await visible(group.getByText('Bob Builder'));
    await visible(group.getByText('Carol'));
    // Someone added by mistake goes again.
    await group.getByRole('button', { name: 'Remove Carol from the group' }).click();
    await gone(group.getByText('Carol'));
    await search.fill('carol');
    await alice.page.getByRole('button', { name: 'Add to group carol' }).click();
    await screenshot(alice.page, 'group-message-desktop-light');
    await group.getByRole('button', { name: 'Start group message (3 people)' }).click();
    await visible(alice.page.getByRole('heading', { name: 'Bob Builder, Carol' }));
    await visible(alice.page.getByText('group · 3 people'));
    await sendMessage(alice.page, 'lunch at noon, both of you?');

    // Bob sees it at once in his sidebar, named after Alice and Carol, unread.
    const inBobsList = sidebar(bob.page).getByRole('link', { name: /^Alice Liddell, Carol/ });
    await visible(inBobsList.getByText('1 unread'));
    await inBobsList.click();
    await visible(messageWith(bob.page, 'lunch at noon, both of you?'));
    await sendMessage(bob.page, 'count me in');
    await visible(messageWith(alice.page, 'count me in'));
  });

  it('shows a private room’s lock in its header, as the sidebar does', async () => {
    const aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    await aliceApi.createRoom('launch-plans', 'private');
    await visible(
      sidebar(alice.page)
        .getByRole('link', { name: /^launch-plans/ })
        .locator('svg'),
    );
    await openRoom(alice.page, /^launch-plans/);
    const heading = alice.page.getByRole('heading', { level: 1 });
    await expect(heading.textContent()).resolves.toMatch(/^\s*launch-plans\s*$/);
    await expect(heading.locator('svg').count()).resolves.toBe(1);
  });

  it('names room links by their visible text first (label in name)', async () => {
    // Unread, presence, privacy and last activity all in Alice's sidebar at once.
    await sendMessage(bob.page, 'something for your sidebar');
    await visible(
      sidebar(alice.page)
        .getByRole('link', { name: /^Bob Builder/ })
        .getByText('1 unread'),
    );

    // Label in name (axe's label-content-name-mismatch): each link's name, as Chromium computes it,
    // starts with the text the link shows and says all of it, in order, so speech input can use it.
    const names = await accessibleNames(alice.page, 'nav[aria-label="Rooms and direct messages"]', 'link');
    const shown = await sidebar(alice.page)
      .getByRole('link')
      .evaluateAll((links) =>
        links.map((link) => {
          const texts: string[] = [];
          const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            const box = parent?.getBoundingClientRect();
            // Icons are aria-hidden; visually hidden words sit in 1 px boxes.
            if (!parent || parent.closest('[aria-hidden="true"]') || !box || box.width <= 1 || box.height <= 1) continue;
            if (node.textContent?.trim()) texts.push(node.textContent.trim());
          }
          return texts;
        }),
      );
    const words = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    const saysShownText = (name: string, texts: string[]) => {
      const said = words(name);
      let from = 0;
      return (
        said.startsWith(words(texts[0] ?? '')) &&
        texts.every((text) => {
          const at = said.indexOf(words(text), from);
          from = at + words(text).length;
          return at >= 0;
        })
      );
    };
    expect(names).toHaveLength(shown.length);
    expect(names.length).toBeGreaterThanOrEqual(7);
    const mismatched = names.map((name, i) => ({ name, shown: shown[i] ?? [] })).filter((link) => !saysShownText(link.name, link.shown));
    expect(mismatched).toEqual([]);
  });

  it('keeps the session and the draft across a reload', async () => {
    await openRoom(alice.page, /^general\b/);
    await composer(alice.page).fill('a half-written thought');
    const url = alice.page.url();
    await alice.page.waitForTimeout(200);
    await alice.page.reload();
    await visible(messageWith(alice.page, 'Hello from pod A'));
    expect(alice.page.url()).toBe(url);
    await expect(composer(alice.page).inputValue()).resolves.toBe('a half-written thought');
    await composer(alice.page).fill('');
  });

  it('lets an admin delete any message and ban a user, whose tab is told why', async () => {
    const mallory = await newTab(world, world.viaB);
    await registerViaUi(mallory.page, 'mallory', 'man-in-middle-7', 'Mallory');
    await mallory.page.getByRole('link', { name: 'Browse', exact: true }).click();
    await mallory.page.getByRole('button', { name: 'Join general' }).click();
    await sendMessage(mallory.page, 'buy cheap watches');
    await visible(messageWith(alice.page, 'buy cheap watches'));

    const admin = await newTab(world, world.viaA);
    await loginViaUi(admin.page, 'e2e-admin', 'e2e-admin-password');
    await admin.page.getByRole('link', { name: 'Browse', exact: true }).click();
    await admin.page.getByRole('button', { name: 'Join general' }).click();
    const spam = messageWith(admin.page, 'buy cheap watches');
    await messageAction(spam, 'Delete');
    await spam.getByRole('button', { name: 'Delete', exact: true }).click();
    await count(messageWith(alice.page, 'buy cheap watches'), 0);

    await admin.page.getByRole('link', { name: 'Admin' }).click();
    await visible(admin.page.getByRole('heading', { name: 'Live stats' }));
    await count(admin.page.getByRole('table').getByRole('row'), 3);
    await admin.page.getByLabel('Search users').fill('mall');
    await admin.page.getByRole('button', { name: 'Ban mallory' }).click();
    await admin.page.getByLabel('Reason for banning mallory').fill('spamming the general room');
    await admin.page.getByRole('button', { name: 'Confirm ban' }).click();
    await visible(admin.page.getByRole('button', { name: 'Unban mallory' }));

    // Rooms: find one, archive it after confirming; the audit log shows both actions, filtered.
    await world.admin.createRoom('old-news');
    await admin.page.getByLabel('Search rooms').fill('old-news');
    await admin.page.getByRole('button', { name: 'Archive… old-news' }).click();
    await admin.page.getByRole('button', { name: 'Archive old-news' }).click();
    await visible(admin.page.locator('.admin-rooms').getByText('archived', { exact: true }));
    await admin.page.getByLabel('Action', { exact: true }).selectOption('user.ban');
    const audit = admin.page.locator('.admin-audit');
    await visible(audit.getByText('“spamming the general room”'));
    await count(audit.getByText('Archived a room'), 0);
    await admin.page.getByLabel('Action', { exact: true }).selectOption('room.archive');
    await visible(audit.getByText('Archived a room'));
    await count(audit.getByText('Banned a user'), 0);

    await visible(mallory.page.getByRole('heading', { name: 'Log in' }));
    await visible(mallory.page.getByText('Your account was banned: spamming the general room'));
    await mallory.page.getByLabel('Username').fill('mallory');
    await mallory.page.getByLabel('Password').fill('man-in-middle-7');
    await mallory.page.getByRole('button', { name: 'Log in' }).click();
    await visible(mallory.page.getByRole('alert'));
    expect(mallory.page.url()).toMatch(/\/login$/);
  });

  it('room settings: joins and changes show as notices on both pods; the owner renames, sets a topic, hands over, and the new owner removes a member', async () => {
    const aliceApi = await ApiClient.login(world.viaA.url, 'alice', 'looking-glass-7');
    const bobApi = await ApiClient.login(world.viaB.url, 'bob', 'builder-tools-7');
    const club = await aliceApi.createRoom('book-club', 'public');
    await bobApi.join(club.id);
    await openRoom(alice.page, /^book-club/);
    await openRoom(bob.page, /^book-club/);
    const notice = (page: Page, text: string): Locator => messageLog(page).locator('.room-notice').filter({ hasText: text });
    await visible(notice(alice.page, 'Bob Builder joined the room'));

    await alice.page.getByRole('button', { name: 'Settings' }).click();
    const settings = alice.page.getByRole('dialog', { name: 'Room settings' });
    await focused(settings.getByLabel('Name'));
    await settings.getByLabel('Name').fill('readers');
    await settings.getByLabel('Topic').fill('one chapter a week');
    await settings.getByRole('button', { name: 'Save' }).click();
    await gone(settings);
    for (const page of [alice.page, bob.page]) {
      await visible(page.getByRole('heading', { name: '# readers' }));
      await visible(page.locator('.room-header__topic').filter({ hasText: 'one chapter a week' }));
      await visible(notice(page, 'Alice Liddell renamed the room to “readers”'));
      await visible(notice(page, 'Alice Liddell set the topic: one chapter a week'));
      await visible(sidebar(page).getByRole('link', { name: /^readers/ }));
      // Notices are no one's message: no actions.
      await expect(messageLog(page).getByRole('article').count()).resolves.toBe(0);
    }
    // Bob is no owner: no settings, no member actions.
    await expect(bob.page.getByRole('button', { name: 'Settings' }).count()).resolves.toBe(0);

    // The owner cannot leave others behind: the dialog says how to hand the room over, and offers no Leave.
    await alice.page.getByRole('button', { name: 'Leave room' }).click();
    const leave = alice.page.getByRole('dialog', { name: 'Leave #readers?' });
    await visible(leave.getByText(/make another member the owner first/));
    await expect(leave.getByRole('button', { name: 'Leave', exact: true }).count()).resolves.toBe(0);
    await alice.page.keyboard.press('Escape');
    await gone(leave);

    await alice.page.getByRole('button', { name: 'Members' }).click();
    // Handing over is asked first, the focus on the confirming button; Esc cancels back to the asking button.
    const makeOwner = alice.page.getByRole('button', { name: 'Make Bob Builder the owner' });
    await makeOwner.click();
    const handOver = alice.page.getByRole('group', { name: /^Make Bob Builder the owner\?/ });
    await focused(handOver.getByRole('button', { name: 'Make owner' }));
    await alice.page.keyboard.press('Escape');
    await focused(makeOwner);
    await makeOwner.click();
    await handOver.getByRole('button', { name: 'Make owner' }).click();
    await visible(notice(bob.page, 'Alice Liddell made Bob Builder the owner'));
    await focused(alice.page.getByRole('heading', { name: /^Members/ }));
    await visible(bob.page.getByRole('button', { name: 'Settings' }));
    await gone(alice.page.getByRole('button', { name: 'Settings' }));
    await alice.page.getByRole('button', { name: 'Members' }).click();

    await bob.page.getByRole('button', { name: 'Members' }).click();
    await bob.page.getByRole('button', { name: 'Remove Alice Liddell' }).click();
    const removeAlice = bob.page.getByRole('group', { name: 'Remove Alice Liddell?' }).getByRole('button', { name: 'Remove' });
    await focused(removeAlice);
    await removeAlice.press('Enter');
    await visible(notice(bob.page, 'Bob Builder removed Alice Liddell'));
    await visible(bob.page.getByText('public · 1 member'));
    await gone(sidebar(alice.page).getByRole('link', { name: /^readers/ }));
    // Alice was looking at the room: she is told she is no longer in it, not that it does not exist.
    await visible(alice.page.getByRole('heading', { name: 'You are no longer in readers' }));
    await bob.page.getByRole('button', { name: 'Members' }).click();
  });

  it('logs out, forgetting the session and the drafts on this device', async () => {
    await openRoom(alice.page, /^general\b/);
    await composer(alice.page).fill('not for the next person at this computer');
    await alice.page.getByRole('button', { name: 'Log out' }).click();
    await visible(alice.page.getByRole('heading', { name: 'Log in' }));
    await focused(alice.page.getByLabel('Username'));
    await alice.page.reload();
    await visible(alice.page.getByRole('heading', { name: 'Log in' }));
    await focused(alice.page.getByLabel('Username'));
    const stored = await alice.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('chat.')));
    expect(stored).toEqual([]);
  });
});

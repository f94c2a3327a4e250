import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, eventually } from '@chat/test-harness';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = resolve(REPO_ROOT, 'docs/screenshots');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Generous: two cores shared with other work. */
export const UI_TIMEOUT_MS = 15_000;

export function visible(locator: Locator, timeout = UI_TIMEOUT_MS): Promise<void> {
  return locator.first().waitFor({ state: 'visible', timeout });
}

export function gone(locator: Locator, timeout = UI_TIMEOUT_MS): Promise<void> {
  return locator.first().waitFor({ state: 'hidden', timeout });
}

/** Waits until exactly `count` elements match. */
export function count(locator: Locator, n: number, timeout = UI_TIMEOUT_MS): Promise<void> {
  return eventually(async () => expect(await locator.count()).toBe(n), timeout);
}

/** `extraArgs`: e.g. `--host-resolver-rules=MAP chat.test 127.0.0.1` to reach a pod under another host name. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** One browser profile (a person, a device) looking at the app. */
export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every alert/confirm/prompt the page tried to open (an XSS would show up here). */
  dialogs: string[];
  /** Uncaught errors in the page. */
  errors: string[];
}

export interface TabOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** A touch screen, as on a phone: no hover, a coarse pointer. */
  touch?: boolean;
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
}

export async function openTab(browser: Browser, baseUrl: string, options: TabOptions = {}): Promise<Tab> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const tab: Tab = { context, page, dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    tab.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => tab.errors.push(err.message));
  await page.goto('/');
  return tab;
}

export async function registerViaUi(page: Page, username: string, password: string, displayName: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await visible(sidebar(page));
}

export async function loginViaUi(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await visible(sidebar(page));
}

export function sidebar(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Rooms and direct messages' });
}

export function messageLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages', exact: true });
}

/** The message (an article in the log) whose text contains `text`. */
export function messageWith(page: Page, text: string): Locator {
  return messageLog(page).getByRole('article').filter({ hasText: text });
}

export async function openRoom(page: Page, name: string | RegExp): Promise<void> {
  await sidebar(page).getByRole('link', { name }).click();
  await visible(messageLog(page));
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Opens a message's "Message actions" ("⋯", shown on hover) and picks one of them. */
export async function messageAction(message: Locator, action: 'Add reaction' | 'Reply in thread' | 'Edit' | 'Delete'): Promise<void> {
  await message.hover();
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: action, exact: true }).click();
}

/** Waits until the element has the keyboard focus. */
export function focused(locator: Locator, timeout = UI_TIMEOUT_MS): Promise<void> {
  return eventually(async () => expect(await locator.evaluate((el) => el === document.activeElement)).toBe(true), timeout);
}

/** Chromium's own accessible names (what a screen reader gets) of the elements of `role` inside `selector`, in document order. */
export async function accessibleNames(page: Page, selector: string, role: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` });
    if (!result.objectId) throw new Error(`nothing matches ${selector}`);
    const { nodes } = await cdp.send('Accessibility.queryAXTree', { objectId: result.objectId, role });
    return nodes.map((node) => String(node.name?.value ?? ''));
  } finally {
    await cdp.detach();
  }
}

/** `keepFocus`: the focused control stays focused (e.g. a dialog's filter box), its caret hidden all the same. */
export async function screenshot(page: Page, name: string, options: { keepFocus?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let transitions and fonts settle; no caret blinking into the picture.
  if (!options.keepFocus) {
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  }
  await page.waitForTimeout(150);
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

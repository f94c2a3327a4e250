import { randomId, type FreshCluster } from '@chat/test-harness';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { ApiClient } from './support/api';
import { launchBrowser, messageLog, visible } from './support/browser';
import { e2eCluster } from './support/world';

/** Not localhost: Chromium treats it as an untrustworthy origin, as it would http://chat.internal behind a proxy. */
const HOST = 'chat.test';

interface Profile {
  context: BrowserContext;
  page: Page;
  /** CSP violations, from the securitypolicyviolation event and from the console. */
  violations: string[];
  errors: string[];
  responses: Response[];
  websockets: string[];
}

/**
 * The client served over plain http under a host name other than localhost, as behind a proxy that
 * forwards http: the app must boot (no upgrade-insecure-requests rewriting its scripts to https), the
 * strict CSP must block nothing the app does (including its same-origin WebSocket), and a cold visit
 * must get compressed assets.
 */
describe('plain http on another host name (http://chat.test)', () => {
  let cluster: FreshCluster | undefined;
  let browser: Browser | undefined;
  let origin = '';
  let podUrl = '';
  const profiles: Profile[] = [];

  beforeAll(async () => {
    cluster = await e2eCluster(1);
    const pod = cluster.pods[0];
    if (!pod) throw new Error('one pod expected');
    origin = `http://${HOST}:${pod.port}`;
    podUrl = pod.baseUrl;
    browser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(profiles.map((profile) => profile.context.close().catch(() => undefined)));
    await browser?.close().catch(() => undefined);
    await cluster?.stop();
  }, 60_000);

  /** A fresh browser profile (empty cache) on http://chat.test, optionally already logged in. */
  async function openProfile(session?: ApiClient): Promise<Profile> {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({
      baseURL: origin,
      ...(session
        ? {
            storageState: {
              cookies: [],
              origins: [
                {
                  origin,
                  localStorage: [
                    { name: 'chat.token', value: session.auth.accessToken },
                    { name: 'chat.user', value: JSON.stringify(session.auth.user) },
                  ],
                },
              ],
            },
          }
        : {}),
    });
    const profile: Profile = { context, page: await context.newPage(), violations: [], errors: [], responses: [], websockets: [] };
    profiles.push(profile);
    await context.exposeBinding('__reportCspViolation', (_source, text: string) => profile.violations.push(text));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
        void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
      });
    });
    const { page } = profile;
    page.on('console', (message) => {
      if (/content security policy|refused to (load|execute|connect|apply)/i.test(message.text())) profile.violations.push(message.text());
    });
    page.on('pageerror', (err) => profile.errors.push(err.message));
    page.on('response', (response) => profile.responses.push(response));
    page.on('websocket', (socket) => profile.websockets.push(socket.url()));
    return profile;
  }

  it('boots to the login page with no CSP violation', async () => {
    const { page, violations, errors, responses } = await openProfile();
    await page.goto('/');
    await visible(page.getByRole('heading', { name: 'Log in' }));
    await visible(page.getByLabel('Username'));
    // Let lazy chunks and styles settle before judging.
    await page.waitForLoadState('networkidle');
    const scripts = responses.filter((r) => r.request().resourceType() === 'script').map((r) => r.url());
    expect(scripts.length).toBeGreaterThan(0);
    for (const url of scripts) expect(url.startsWith(`${origin}/`)).toBe(true);
    // Angular's component styles are <style> elements carrying the page's nonce (style-src has no 'unsafe-inline').
    const nonces = await page.locator('style').evaluateAll((elements) => elements.map((element) => (element as HTMLStyleElement).nonce));
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces).size).toBe(1);
    expect(nonces[0]).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('renders the API docs (Swagger UI) with its inline styles allowed by hash: no CSP violation', async () => {
    const { page, violations, errors } = await openProfile();
    await page.goto('/api/docs');
    await visible(page.getByRole('heading', { name: /Chat API/ }));
    await page.waitForLoadState('networkidle');
    // The sprite sheet's style attribute applied: it takes no room on the page.
    expect(
      await page
        .locator('body > svg')
        .first()
        .evaluate((svg) => getComputedStyle(svg).position),
    ).toBe('absolute');
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens a room cold: compressed assets, a same-origin ws: connection, still no CSP violation', async () => {
    const alice = await ApiClient.register(podUrl, `plain_${randomId(3)}`, 'plain-http-password', 'Plain Alice');
    const room = await alice.createRoom(`plain-${randomId(3)}`);
    const { page, violations, errors, responses, websockets } = await openProfile(alice);
    await page.goto(`/rooms/${room.id}`);
    await visible(messageLog(page));
    await visible(page.getByText('Connected', { exact: true }));
    await page.waitForLoadState('networkidle');

    expect(websockets.some((url) => url.startsWith(`ws://${HOST}:`))).toBe(true);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);

    // What a first visit costs: every HTML, JS and CSS response, as transferred.
    let transferred = 0;
    let decoded = 0;
    for (const response of responses) {
      const type = response.request().resourceType();
      if (!['document', 'script', 'stylesheet'].includes(type)) continue;
      const body = await response.body();
      transferred += (await response.request().sizes()).responseBodySize;
      decoded += body.length;
      // Chromium offers br only to secure origins; over plain http it gets gzip.
      if (type !== 'document')
        expect({ url: response.url(), encoding: response.headers()['content-encoding'] }).toEqual({
          url: response.url(),
          encoding: 'gzip',
        });
    }
    process.stdout.write(`cold room page over http://${HOST}: ${transferred} B transferred for ${decoded} B of HTML/JS/CSS\n`);
    expect(transferred).toBeLessThan(decoded / 2);
  });
});

import { ApiClient } from './support/api';
import { loginViaUi, messageWith, openRoom, sendMessage, visible, type Tab } from './support/browser';
import { newTab, startWorld, stopWorld, type World } from './support/world';

/** Ending a session and changing the profile from the UI, two people on two pods. */
describe('sessions and profile in the browser', () => {
  let world: World;
  let alice: Tab;
  let bob: Tab;

  beforeAll(async () => {
    world = await startWorld();
  }, 120_000);

  afterAll(async () => {
    await stopWorld(world);
  }, 60_000);

  it('seeds a shared room and logs both people in, each on their own pod', async () => {
    const [podA, podB] = world.cluster.pods;
    if (!podA || !podB) throw new Error('two pods expected');
    const aliceApi = await ApiClient.register(podA.baseUrl, 'salice', 'alice-password', 'Alice Before');
    const bobApi = await ApiClient.register(podB.baseUrl, 'sbob', 'bob-password', 'Bob');
    const room = await aliceApi.createRoom('lounge');
    await bobApi.join(room.id);
    alice = await newTab(world, world.viaA);
    bob = await newTab(world, world.viaB);
    await loginViaUi(alice.page, 'salice', 'alice-password');
    await loginViaUi(bob.page, 'sbob', 'bob-password');
    await openRoom(alice.page, /lounge/);
    await openRoom(bob.page, /lounge/);
    await sendMessage(alice.page, 'hello from alice');
    await visible(messageWith(bob.page, 'hello from alice').getByText('Alice Before'));
  });

  it("changes the display name on the profile page; the other person's page shows it live", async () => {
    await alice.page.getByRole('link', { name: 'Profile', exact: true }).click();
    const field = alice.page.getByRole('textbox', { name: 'Display name' });
    await visible(field);
    await field.fill('Alice After');
    await alice.page.getByRole('button', { name: 'Save name' }).click();
    await visible(alice.page.getByText('Display name saved.'));
    await visible(messageWith(bob.page, 'hello from alice').getByText('Alice After'));
    await visible(alice.page.getByText('Alice After').first());
  });

  it('logs out from the UI back to the login page, and the old token no longer works', async () => {
    const token = await alice.page.evaluate(() => localStorage.getItem('chat.token'));
    expect(token).toBeTruthy();
    await alice.page.getByRole('button', { name: 'Log out' }).click();
    await visible(alice.page.getByRole('heading', { name: 'Log in' }));
    expect(await alice.page.evaluate(() => localStorage.getItem('chat.token'))).toBeNull();
    for (const pod of world.cluster.pods) {
      const res = await fetch(`${pod.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(res.status).toBe(401);
    }
    // Bob's session is untouched.
    await visible(bob.page.getByText('Connected', { exact: true }));
    expect(alice.errors).toEqual([]);
  });
});

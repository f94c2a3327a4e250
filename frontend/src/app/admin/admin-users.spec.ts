import { HttpErrorResponse } from '@angular/common/http';
import type { AdminUser, CursorPage } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { renderAdminPanel, settle } from '../../testing/admin-panel';
import { AdminUsersPanel } from './admin-users';

const user = (username: string, patch: Partial<AdminUser> = {}): AdminUser => ({
  id: `id-${username}`,
  username,
  displayName: username.toUpperCase(),
  role: 'user',
  createdAt: '2024-01-01T00:00:00.000Z',
  bannedAt: null,
  banReason: null,
  ...patch,
});

describe('AdminUsersPanel', () => {
  const api = {
    users: jest.fn<Promise<CursorPage<AdminUser>>, [string, string | null]>(),
    ban: jest.fn<Promise<AdminUser>, [string, string]>(),
    unban: jest.fn<Promise<AdminUser>, [string]>(),
  };

  const render = () => renderAdminPanel(AdminUsersPanel, api);

  beforeEach(() => {
    jest.resetAllMocks();
    localStorage.clear();
  });
  afterEach(() => jest.useRealTimers());

  it('lists users, pages on with the cursor, and never offers to ban myself', async () => {
    api.users.mockResolvedValueOnce({ items: [user('alice'), user('root', { id: 'id-root', role: 'admin' })], nextCursor: 'c2' });
    const { fixture, root } = await render();
    expect(api.users).toHaveBeenCalledWith('', null);
    expect(root.textContent).toContain('@alice');
    expect(root.querySelectorAll('button')).toHaveLength(2); // "Ban alice" and "Load more"

    api.users.mockResolvedValueOnce({ items: [user('bob')], nextCursor: null });
    byButton(root, 'Load more').click();
    await settle(fixture);
    expect(api.users).toHaveBeenLastCalledWith('', 'c2');
    expect(root.textContent).toContain('@bob');
    expect(Array.from(root.querySelectorAll('button')).some((b) => b.textContent?.includes('Load more'))).toBe(false);
  });

  it('searches as the admin types (debounced)', async () => {
    api.users.mockResolvedValue({ items: [], nextCursor: null });
    const { fixture, root } = await render();
    typeInto(byLabel(root, 'Search users'), 'ma');
    typeInto(byLabel(root, 'Search users'), 'mal');
    await settle(fixture);
    expect(api.users.mock.calls.map(([q]) => q)).toEqual(['', 'mal']);
    expect(root.textContent).toContain('No users match.');
  });

  it('bans with a reason, then offers to unban', async () => {
    api.users.mockResolvedValue({ items: [user('mallory')], nextCursor: null });
    const { fixture, root } = await render();
    byButton(root, 'Ban mallory').click();
    await settle(fixture);
    expect(byButton(root, 'Confirm ban').disabled).toBe(true);

    api.ban.mockResolvedValue(user('mallory', { bannedAt: '2024-01-02T00:00:00.000Z', banReason: 'spam' }));
    typeInto(byLabel(root, 'Reason for banning mallory'), 'spam');
    await settle(fixture);
    byButton(root, 'Confirm ban').click();
    await settle(fixture);
    expect(api.ban).toHaveBeenCalledWith('id-mallory', 'spam');
    expect(root.textContent).toContain('banned');
    expect(root.textContent).toContain('spam');

    api.unban.mockResolvedValue(user('mallory'));
    byButton(root, 'Unban mallory').click();
    await settle(fixture);
    expect(api.unban).toHaveBeenCalledWith('id-mallory');
    expect(byButton(root, 'Ban mallory')).toBeTruthy();
  });

  it('shows why a ban failed and keeps the form open', async () => {
    api.users.mockResolvedValue({ items: [user('mallory')], nextCursor: null });
    const { fixture, root } = await render();
    byButton(root, 'Ban mallory').click();
    await settle(fixture);
    typeInto(byLabel(root, 'Reason for banning mallory'), 'spam');
    api.ban.mockRejectedValue(
      new HttpErrorResponse({ status: 403, error: { error: { code: 'FORBIDDEN', message: 'Admins cannot be banned' } } }),
    );
    await settle(fixture);
    byButton(root, 'Confirm ban').click();
    await settle(fixture);
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Admins cannot be banned');
    expect(byButton(root, 'Confirm ban')).toBeTruthy();
  });
});

import type { AuditEntry, AuditQuery, CursorPage } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { renderAdminPanel, settle } from '../../testing/admin-panel';
import { AdminAuditPanel } from './admin-audit';

const TARGET = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';

const entry = (id: string, patch: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  actor: { id: 'id-root', username: 'root' },
  action: 'user.ban',
  targetType: 'user',
  targetId: TARGET,
  details: { reason: 'spam' },
  createdAt: '2024-01-02T10:00:00.000Z',
  ...patch,
});

describe('AdminAuditPanel', () => {
  const api = { audit: jest.fn<Promise<CursorPage<AuditEntry>>, [Omit<AuditQuery, 'limit' | 'cursor'>, string | null]>() };
  const render = () => renderAdminPanel(AdminAuditPanel, api);

  beforeEach(() => jest.resetAllMocks());
  afterEach(() => jest.useRealTimers());

  it('lists who did what to which target, newest first, and pages on', async () => {
    api.audit.mockResolvedValueOnce({
      items: [entry('e1'), entry('e2', { action: 'room.archive', targetType: 'room', details: {}, actor: null })],
      nextCursor: 'c2',
    });
    const { fixture, root } = await render();
    expect(api.audit).toHaveBeenCalledWith({ actor: '', action: undefined, targetId: '' }, null);
    const items = Array.from(root.querySelectorAll('li')).map((li) => li.textContent ?? '');
    expect(items[0]).toContain('Banned a user');
    expect(items[0]).toContain('by @root');
    expect(items[0]).toContain(TARGET);
    expect(items[0]).toContain('“spam”');
    expect(items[1]).toContain('Archived a room');
    expect(items[1]).toContain('by a deleted user');

    api.audit.mockResolvedValueOnce({ items: [entry('e3')], nextCursor: null });
    byButton(root, 'Load more').click();
    await settle(fixture);
    expect(api.audit).toHaveBeenLastCalledWith({ actor: '', action: undefined, targetId: '' }, 'c2');
    expect(root.querySelectorAll('li')).toHaveLength(3);
  });

  it('filters by admin, action and a whole target id, not a partial one', async () => {
    api.audit.mockResolvedValue({ items: [], nextCursor: null });
    const { fixture, root } = await render();
    typeInto(byLabel(root, 'Admin (username)'), 'Root');
    const action = byLabel<HTMLSelectElement>(root, 'Action');
    action.value = 'message.delete';
    action.dispatchEvent(new Event('change'));
    await settle(fixture);
    expect(api.audit).toHaveBeenLastCalledWith({ actor: 'root', action: 'message.delete', targetId: '' }, null);

    typeInto(byLabel(root, 'Target id'), TARGET.slice(0, 10));
    await settle(fixture);
    expect(api.audit).toHaveBeenCalledTimes(2);
    expect(root.textContent).toContain('Paste a whole id');

    typeInto(byLabel(root, 'Target id'), TARGET);
    await settle(fixture);
    expect(api.audit).toHaveBeenLastCalledWith({ actor: 'root', action: 'message.delete', targetId: TARGET }, null);
    expect(root.textContent).not.toContain('Paste a whole id');
    expect(root.textContent).toContain('No entries match.');
  });
});

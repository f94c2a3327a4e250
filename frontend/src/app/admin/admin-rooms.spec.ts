import { HttpErrorResponse } from '@angular/common/http';
import type { AdminRoom, CursorPage } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { renderAdminPanel, settle } from '../../testing/admin-panel';
import { AdminRoomsPanel } from './admin-rooms';

const room = (name: string, patch: Partial<AdminRoom> = {}): AdminRoom => ({
  id: `id-${name}`,
  name,
  kind: 'channel',
  visibility: 'public',
  createdAt: '2024-01-01T00:00:00.000Z',
  lastSeq: 12,
  memberCount: 3,
  archivedAt: null,
  lastActivityAt: '2024-01-02T10:00:00.000Z',
  createdBy: 'id-alice',
  ...patch,
});

describe('AdminRoomsPanel', () => {
  const api = {
    rooms: jest.fn<Promise<CursorPage<AdminRoom>>, [string, string | null]>(),
    archiveRoom: jest.fn<Promise<void>, [string]>(),
  };
  const render = () => renderAdminPanel(AdminRoomsPanel, api);

  beforeEach(() => jest.resetAllMocks());
  afterEach(() => jest.useRealTimers());

  it('lists rooms with their size and activity, searches as the admin types and pages on', async () => {
    api.rooms.mockResolvedValueOnce({
      items: [room('general'), room('quiet', { lastActivityAt: null, lastSeq: 0, memberCount: 1 })],
      nextCursor: 'c2',
    });
    const { fixture, root } = await render();
    expect(api.rooms).toHaveBeenCalledWith('', null);
    expect(root.textContent).toContain('general');
    expect(root.textContent).toContain('3 members · 12 events');
    expect(root.textContent).toContain('1 member · 0 events');
    expect(root.textContent).toContain('no messages yet');

    api.rooms.mockResolvedValueOnce({ items: [room('later')], nextCursor: null });
    byButton(root, 'Load more').click();
    await settle(fixture);
    expect(api.rooms).toHaveBeenLastCalledWith('', 'c2');
    expect(root.textContent).toContain('later');

    api.rooms.mockResolvedValueOnce({ items: [], nextCursor: null });
    typeInto(byLabel(root, 'Search rooms'), 'gen');
    typeInto(byLabel(root, 'Search rooms'), 'genx');
    await settle(fixture);
    expect(api.rooms.mock.calls.map(([q]) => q)).toEqual(['', '', 'genx']);
    expect(root.textContent).toContain('No rooms match.');
  });

  it('archives only after a confirmation, then shows the room archived', async () => {
    api.rooms.mockResolvedValue({ items: [room('general')], nextCursor: null });
    const { fixture, root } = await render();
    byButton(root, 'Archive… general').click();
    await settle(fixture);
    expect(api.archiveRoom).not.toHaveBeenCalled();
    byButton(root, 'Cancel').click();
    await settle(fixture);
    expect(root.textContent).not.toContain('history stays');

    byButton(root, 'Archive… general').click();
    await settle(fixture);
    api.archiveRoom.mockResolvedValue();
    byButton(root, 'Archive general').click();
    await settle(fixture);
    expect(api.archiveRoom).toHaveBeenCalledWith('id-general');
    expect(root.querySelector('.tag--danger')?.textContent).toBe('archived');
    expect(() => byButton(root, 'Archive… general')).toThrow();
  });

  it('shows why an archive failed', async () => {
    api.rooms.mockResolvedValue({ items: [room('general')], nextCursor: null });
    const { fixture, root } = await render();
    byButton(root, 'Archive… general').click();
    await settle(fixture);
    api.archiveRoom.mockRejectedValue(
      new HttpErrorResponse({ status: 409, error: { error: { code: 'CONFLICT', message: 'This room is archived already' } } }),
    );
    byButton(root, 'Archive general').click();
    await settle(fixture);
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('This room is archived already');
  });
});

import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { MyRoom } from '@chat/contracts';
import { BOB, myRoom } from '../../testing/fixtures';
import { NotifySettingsStore } from './notify-settings';
import { PresenceStore } from './presence-store';
import { RoomList } from './room-list';
import { RoomsStore } from './rooms-store';

describe('RoomList', () => {
  async function render(rooms: MyRoom[], online: string[] = [], muted: string[] = []): Promise<HTMLElement> {
    const store = {
      channels: signal(rooms.filter((r) => r.kind === 'channel')),
      dms: signal(rooms.filter((r) => r.kind === 'dm')),
      loaded: signal(true),
      loadError: signal<string | null>(null),
      load: jest.fn(),
    };
    const presence = { isOnline: (id: string) => online.includes(id) };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: RoomsStore, useValue: store },
        { provide: PresenceStore, useValue: presence },
        { provide: NotifySettingsStore, useValue: { isMuted: (id: string) => muted.includes(id) } },
      ],
    });
    const fixture = TestBed.createComponent(RoomList);
    await fixture.whenStable();
    return fixture.nativeElement;
  }

  const links = (root: HTMLElement) => Array.from(root.querySelectorAll<HTMLElement>('a.room-link'));
  /** A link's name from its content (it has no aria-label): its text without the aria-hidden parts. */
  const nameOf = (link: HTMLElement) => {
    const copy = link.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[aria-hidden="true"]').forEach((el) => el.remove());
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  };
  const linkNames = (root: HTMLElement) => links(root).map(nameOf);

  it('lists rooms and DMs with unread badges, privacy and the partner’s presence', async () => {
    const root = await render(
      [
        myRoom({ id: 'r1', name: 'general', unread: 3 }),
        myRoom({ id: 'r2', name: 'secret', visibility: 'private', unread: 120 }),
        myRoom({ id: 'd1', kind: 'dm', peer: BOB }),
      ],
      [BOB.id],
    );
    expect(linkNames(root)).toEqual(['general, 3 unread', 'secret (private), 99+ unread', 'Bob (online)']);
    expect(root.querySelector('a.room-link app-lock-icon svg')).not.toBeNull();
  });

  it('shows unread mentions as "@N" before the unread count, and a muted room quietly', async () => {
    const root = await render(
      [myRoom({ id: 'r1', name: 'general', unread: 5, mentions: 2 }), myRoom({ id: 'r2', name: 'random', unread: 4 })],
      [],
      ['r2'],
    );
    expect(linkNames(root)).toEqual(['general, @2 mentions, 5 unread', 'random, muted, 4 unread']);
    expect(root.querySelector('.badge--mention')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(', @2 mentions');
    expect(root.querySelectorAll('.badge--quiet')).toHaveLength(1);
  });

  it('names the last activity', async () => {
    const root = await render([myRoom({ lastActivityAt: new Date().toISOString(), unread: 2 })]);
    expect(linkNames(root)[0]).toMatch(/^general, last activity \d{1,2}:\d{2}[^,]*, 2 unread$/);
  });

  // axe's label-content-name-mismatch: a name that does not start with the visible text fails speech input.
  it('names each link by its content, starting with the visible room name', async () => {
    const root = await render([myRoom({ unread: 1 }), myRoom({ id: 'd1', kind: 'dm', peer: BOB })]);
    for (const link of links(root)) {
      expect(link.hasAttribute('aria-label')).toBe(false);
      expect(nameOf(link).startsWith(link.querySelector('.room-link__name')?.textContent ?? '?')).toBe(true);
    }
  });

  it('says when there is nothing yet', async () => {
    const root = await render([]);
    expect(root.textContent).toContain('No rooms yet');
    expect(root.textContent).toContain('No conversations yet');
  });
});

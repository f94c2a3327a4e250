import { Injectable, inject, signal } from '@angular/core';
import type { Member, MyRoom } from '@chat/contracts';
import { RoomsApi } from './rooms-api';

/** At most this many DM partners are looked up after a (re)connect. */
const MAX_PEER_LOOKUPS = 40;

/**
 * Who is online, as far as this client knows: member lists give a snapshot, `presence` events
 * keep it current. A snapshot never overrides an event that arrived after it was requested.
 */
@Injectable()
export class PresenceStore {
  private readonly api = inject(RoomsApi);
  private readonly state = signal<ReadonlyMap<string, boolean>>(new Map());
  /** When each user's latest live event arrived. */
  private readonly eventAt = new Map<string, number>();
  private clock = 0;

  readonly online = this.state.asReadonly();

  isOnline(userId: string): boolean {
    return this.state().get(userId) === true;
  }

  /** A `presence` event. */
  apply(userId: string, online: boolean): void {
    this.eventAt.set(userId, ++this.clock);
    if (this.state().get(userId) !== online) this.state.update((map) => new Map(map).set(userId, online));
  }

  /** Marks the start of a snapshot request; pass the result to `seed`. */
  mark(): number {
    return ++this.clock;
  }

  /** A member list fetched since `mark`. */
  seed(members: readonly Pick<Member, 'id' | 'online'>[], mark: number): void {
    const fresh = members.filter((m) => (this.eventAt.get(m.id) ?? 0) <= mark && this.state().get(m.id) !== m.online);
    if (fresh.length === 0) return;
    this.state.update((map) => {
      const next = new Map(map);
      for (const m of fresh) next.set(m.id, m.online);
      return next;
    });
  }

  /**
   * Looks up the partners of my DMs (the room list carries no presence), a few at a time.
   * Best effort: a failed lookup leaves that dot as it was.
   */
  async refreshPeers(rooms: readonly MyRoom[]): Promise<void> {
    const dms = rooms.filter((r) => r.kind === 'dm' && r.peer).slice(0, MAX_PEER_LOOKUPS);
    const queue = [...dms];
    const worker = async () => {
      for (let room = queue.shift(); room; room = queue.shift()) {
        const mark = this.mark();
        try {
          this.seed(await this.api.members(room.id), mark);
        } catch {
          // Leave it; the next presence event or reconnect corrects it.
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }
}

import { Injectable, inject, signal } from '@angular/core';
import type { Member } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomTimelines } from './room-timelines';

/**
 * The members of the rooms I look at, fetched once per room when first needed: for the composer's
 * `@` suggestions, and to name who reacted ("You", then the names the timeline shows, then the member
 * list). Provided by the shell.
 */
@Injectable()
export class RoomMembersCache {
  private readonly session = inject(SessionStore);
  private readonly timelines = inject(RoomTimelines);
  private readonly api = inject(RoomsApi);
  private readonly fetched = signal<ReadonlyMap<string, readonly Member[]>>(new Map());
  private readonly asked = new Set<string>();

  /** The room's members (empty until they arrive; asking starts the fetch). */
  members(roomId: string): readonly Member[] {
    const list = this.fetched().get(roomId);
    if (!list) this.fetch(roomId);
    return list ?? [];
  }

  /** Someone joined or left: a list already fetched is fetched again (others wait until they are needed). */
  refresh(roomId: string): void {
    if (!this.fetched().has(roomId)) return;
    this.asked.delete(roomId);
    this.fetch(roomId);
  }

  /** The names of `userIds` in `roomId`, "You" for me; an unknown one is "someone" until the member list arrives. */
  names(roomId: string, userIds: readonly string[]): string[] {
    const meId = this.session.user()?.id;
    const senders = new Map(this.timelines.messages(roomId).map((m) => [m.sender.id, m.sender.displayName || m.sender.username]));
    const members = this.fetched().get(roomId);
    return userIds.map((id) => {
      if (id === meId) return 'You';
      const member = members?.find((m) => m.id === id);
      const name = senders.get(id) ?? (member ? member.displayName || member.username : undefined);
      if (name) return name;
      this.fetch(roomId);
      return 'someone';
    });
  }

  private fetch(roomId: string): void {
    if (this.asked.has(roomId)) return;
    this.asked.add(roomId);
    queueMicrotask(async () => {
      try {
        const list = await this.api.members(roomId);
        this.fetched.update((all) => new Map(all).set(roomId, list));
      } catch {
        this.asked.delete(roomId);
      }
    });
  }
}

import { Injectable, inject, signal } from '@angular/core';
import { SessionStore } from '../auth/session-store';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomTimelines } from './room-timelines';

/**
 * Who reacted, by name: "You", then the names the room's timeline already shows (its senders), then the
 * room's member list, fetched once per room the first time a name is missing. Provided by the shell.
 */
@Injectable()
export class ReactorNames {
  private readonly session = inject(SessionStore);
  private readonly timelines = inject(RoomTimelines);
  private readonly api = inject(RoomsApi);
  /** Per room, the members' display names once fetched. */
  private readonly members = signal<ReadonlyMap<string, ReadonlyMap<string, string>>>(new Map());
  private readonly asked = new Set<string>();

  /** The names of `userIds` in `roomId`, "You" for me; an unknown one is "someone" until the member list arrives. */
  names(roomId: string, userIds: readonly string[]): string[] {
    const meId = this.session.user()?.id;
    const senders = new Map(this.timelines.messages(roomId).map((m) => [m.sender.id, m.sender.displayName || m.sender.username]));
    const members = this.members().get(roomId);
    return userIds.map((id) => {
      if (id === meId) return 'You';
      const name = senders.get(id) ?? members?.get(id);
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
        this.members.update((all) => new Map(all).set(roomId, new Map(list.map((m) => [m.id, m.displayName || m.username]))));
      } catch {
        this.asked.delete(roomId);
      }
    });
  }
}

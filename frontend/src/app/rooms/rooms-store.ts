import { Injectable, computed, inject, signal } from '@angular/core';
import type { Message, MessageSender, MyRoom, RoomHead } from '@chat/contracts';
import type { CreateRoomRequest } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { headsDiffer, roomTitle, sortByActivity, withEvent, withNewMessage, withRead, type UnreadCounts } from './my-rooms';
import { NotifySettingsStore } from './notify-settings';
import { RoomsApi } from './rooms-api';

/** The rooms and DMs I belong to, with their unread counters. Lives as long as the shell. */
@Injectable()
export class RoomsStore {
  private readonly api = inject(RoomsApi);
  private readonly state = signal<readonly MyRoom[]>([]);
  private readonly loadedState = signal(false);
  private readonly errorState = signal<string | null>(null);
  private readonly leftState = signal<ReadonlyMap<string, string>>(new Map());
  private loading: Promise<void> | null = null;

  readonly loaded = this.loadedState.asReadonly();
  readonly loadError = this.errorState.asReadonly();
  readonly rooms = computed(() => sortByActivity(this.state()));
  readonly channels = computed(() => this.rooms().filter((r) => r.kind === 'channel'));
  readonly dms = computed(() => this.rooms().filter((r) => r.kind === 'dm'));
  private readonly notify = inject(NotifySettingsStore);
  /** Unread messages of the rooms I did not mute (the tab's title). */
  readonly totalUnread = computed(() => {
    const muted = new Set(this.notify.settings().muted);
    return this.state().reduce((sum, r) => (muted.has(r.id) ? sum : sum + r.unread), 0);
  });

  room(roomId: string): MyRoom | undefined {
    return this.state().find((r) => r.id === roomId);
  }

  /** Loads the list; concurrent callers share one request. */
  load(): Promise<void> {
    this.loading ??= this.api
      .myRooms()
      .then((rooms) => {
        this.state.set(rooms);
        this.errorState.set(null);
        this.loadedState.set(true);
      })
      .catch((err: unknown) => this.errorState.set(errorMessage(err)))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  /** Resolves once a load in progress (if any) is done. */
  settled(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** Re-reads one room (exact unread count after a read elsewhere). */
  async refresh(roomId: string): Promise<void> {
    try {
      this.upsert(await this.api.room(roomId));
    } catch {
      // Counters stay approximate until the next event; nothing the user must act on.
    }
  }

  /** Throws the HTTP error for the form to show. */
  async create(req: CreateRoomRequest): Promise<MyRoom> {
    const room = await this.api.create(req);
    this.upsert(room);
    return room;
  }

  async join(roomId: string): Promise<MyRoom> {
    const room = await this.api.join(roomId);
    this.upsert(room);
    return room;
  }

  async leave(roomId: string): Promise<void> {
    await this.api.leave(roomId);
    this.remove(roomId);
  }

  /** The DM with one person, or the group DM with several. */
  async openDm(userIds: readonly string[]): Promise<MyRoom> {
    const room = await this.api.openDm(userIds);
    this.upsert(room);
    return room;
  }

  upsert(room: MyRoom): void {
    this.state.update((rooms) =>
      rooms.some((r) => r.id === room.id) ? rooms.map((r) => (r.id === room.id ? room : r)) : [...rooms, room],
    );
  }

  /** Someone in my DMs changed their display name (`user:updated`). */
  renamePeer(user: MessageSender): void {
    const renamed = (person: MessageSender) => (person.id === user.id ? { ...person, displayName: user.displayName } : person);
    this.state.update((rooms) =>
      rooms.map((room) =>
        room.kind === 'dm' && (room.peer?.id === user.id || room.people?.some((person) => person.id === user.id))
          ? { ...room, peer: room.peer ? renamed(room.peer) : room.peer, people: room.people?.map(renamed) }
          : room,
      ),
    );
  }

  remove(roomId: string): void {
    const gone = this.room(roomId);
    if (gone) this.leftState.update((left) => new Map(left).set(roomId, roomTitle(gone)));
    this.state.update((rooms) => rooms.filter((r) => r.id !== roomId));
  }

  /** The title of a room I was in during this session and am not any more (left, or removed by its owner). */
  leftRoom(roomId: string): string | undefined {
    return this.leftState().get(roomId);
  }

  onNewMessage(message: Message, countsAsUnread: boolean, meId: string | null = null): void {
    this.patch(message.roomId, (room) => withNewMessage(room, message, countsAsUnread, meId));
  }

  onEvent(roomId: string, seq: number): void {
    this.patch(roomId, (room) => withEvent(room, seq));
  }

  onRead(roomId: string, seq: number, after?: UnreadCounts): void {
    this.patch(roomId, (room) => withRead(room, seq, after));
  }

  /** An admin archived the room: it stays readable, the composer goes away. */
  onArchived(roomId: string, archivedAt: string): void {
    this.patch(roomId, (room) => ({ ...room, archivedAt }));
  }

  patchRoom(roomId: string, patch: Partial<MyRoom>): void {
    this.patch(roomId, (room) => ({ ...room, ...patch }));
  }

  /** After `session:ready`: reload if the server's view differs from ours. */
  applyHeads(heads: readonly RoomHead[]): void {
    if (this.loadedState() && !headsDiffer(this.state(), heads)) return;
    void this.load();
  }

  private patch(roomId: string, change: (room: MyRoom) => MyRoom): void {
    this.state.update((rooms) => rooms.map((r) => (r.id === roomId ? change(r) : r)));
  }
}

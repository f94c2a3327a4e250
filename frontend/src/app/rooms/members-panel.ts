import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type { Member, MyRoom, User } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { errorMessage } from '../core/api-error';
import { Avatar } from './avatar';
import { PresenceStore } from './presence-store';
import { RoomsApi } from './rooms-api';
import { RoomsStore } from './rooms-store';
import { UserSearch } from './user-search';

type MemberAction = 'remove' | 'owner';

let nextId = 0;

/**
 * Who is in the room and who is online. The owner of a private room can add people; the owner of a
 * channel (and an admin) can remove a member or make them the owner, each confirmed first (Esc cancels);
 * the focus follows: to the confirming button, back to the asking one, to the heading once done.
 */
@Component({
  selector: 'app-members-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './members-panel.css',
  imports: [UserSearch, Avatar],
  template: `
    <aside class="members" aria-labelledby="members-heading">
      <h2 id="members-heading" class="members__heading" tabindex="-1">Members ({{ members().length }})</h2>
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <ul class="members__list">
        @for (member of members(); track member.id) {
          <li class="members__item">
            <span class="person" aria-hidden="true">
              <app-avatar [userId]="member.id" [name]="member.displayName || member.username" />
              <span class="presence-dot" [class.is-online]="member.online"></span>
            </span>
            <span class="members__name">{{ member.displayName }}</span>
            <span class="visually-hidden">{{ member.online ? ' (online)' : ' (offline)' }}</span>
            @if (member.memberRole === 'owner') {
              <span class="visually-hidden">, </span>
              <span class="tag">owner</span>
            } @else if (canManage()) {
              @if (confirming(); as ask) {
                @if (ask.memberId === member.id) {
                  <span class="members__confirm" role="group" [attr.aria-labelledby]="rowId(member, 'question')">
                    <span class="members__question" [id]="rowId(member, 'question')">{{
                      ask.action === 'remove'
                        ? 'Remove ' + member.displayName + '?'
                        : 'Make ' + member.displayName + ' the owner? You will no longer manage this room.'
                    }}</span>
                    <button
                      type="button"
                      class="button button--small"
                      [class.button--danger]="ask.action === 'remove'"
                      [id]="rowId(member, 'confirm')"
                      [disabled]="busy()"
                      (click)="confirm(member, ask.action)"
                      (keydown.escape)="cancel()"
                    >
                      {{ ask.action === 'remove' ? 'Remove' : 'Make owner' }}
                    </button>
                    <button type="button" class="button button--small button--ghost" (click)="cancel()" (keydown.escape)="cancel()">
                      Cancel
                    </button>
                  </span>
                }
              } @else {
                <span class="members__actions">
                  <button
                    type="button"
                    class="button button--small button--ghost"
                    [id]="rowId(member, 'owner')"
                    [disabled]="busy()"
                    [attr.aria-label]="'Make ' + member.displayName + ' the owner'"
                    (click)="ask(member, 'owner')"
                  >
                    Make owner
                  </button>
                  <button
                    type="button"
                    class="button button--small button--ghost"
                    [id]="rowId(member, 'remove')"
                    [disabled]="busy()"
                    [attr.aria-label]="'Remove ' + member.displayName"
                    (click)="ask(member, 'remove')"
                  >
                    Remove
                  </button>
                </span>
              }
            }
          </li>
        }
      </ul>
      @if (canAdd()) {
        <app-user-search label="Add a member" actionLabel="Add" [excludeIds]="memberIds()" [busy]="adding()" (picked)="add($event)" />
      }
    </aside>
  `,
})
export class MembersPanel {
  private readonly api = inject(RoomsApi);
  private readonly presence = inject(PresenceStore);
  private readonly rooms = inject(RoomsStore);
  private readonly session = inject(SessionStore);

  readonly room = input.required<MyRoom>();

  private readonly loaded = signal<readonly Member[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly busy = signal(false);
  /** The action on a member that awaits its confirmation (both are asked first: neither can be undone by the owner). */
  protected readonly confirming = signal<{ memberId: string; action: MemberAction } | null>(null);
  protected readonly id = `members-${nextId++}`;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Fetched list, with presence events since applied on top; online people first. */
  protected readonly members = computed(() => {
    const presence = this.presence.online();
    return this.loaded()
      .map((m) => {
        const online = presence.get(m.id);
        return online === undefined || online === m.online ? m : { ...m, online };
      })
      .sort((a, b) => Number(b.online) - Number(a.online) || a.displayName.localeCompare(b.displayName));
  });
  protected readonly memberIds = computed(() => this.loaded().map((m) => m.id));
  protected readonly canAdd = computed(() => {
    const room = this.room();
    const admin = this.session.user()?.role === 'admin';
    return room.kind === 'channel' && room.visibility === 'private' && (room.myRole === 'owner' || admin);
  });

  protected readonly canManage = computed(() => {
    const room = this.room();
    const admin = this.session.user()?.role === 'admin';
    return room.kind === 'channel' && !room.archivedAt && (room.myRole === 'owner' || admin);
  });

  constructor() {
    const roomId = computed(() => this.room().id);
    // Loaded again when someone joins or leaves (room:members moves the count).
    const memberCount = computed(() => this.room().memberCount);
    effect(() => {
      const id = roomId();
      memberCount();
      untracked(() => void this.load(id));
    });
  }

  protected async add(user: User): Promise<void> {
    const roomId = this.room().id;
    this.adding.set(true);
    this.error.set(null);
    try {
      await this.api.addMember(roomId, user.id);
      await this.load(roomId);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.adding.set(false);
    }
  }

  protected rowId(member: Member, part: string): string {
    return `${this.id}-${member.id}-${part}`;
  }

  /** Asks first, the focus on the confirming button. */
  protected ask(member: Member, action: MemberAction): void {
    this.confirming.set({ memberId: member.id, action });
    this.focusSoon(this.rowId(member, 'confirm'));
  }

  /** Back to the button that asked. */
  protected cancel(): void {
    const ask = this.confirming();
    this.confirming.set(null);
    if (ask) this.focusSoon(`${this.id}-${ask.memberId}-${ask.action}`);
  }

  /** Removes the member, or hands the room over (I stop being the owner: my role moves at once, the notice confirms it). */
  protected async confirm(member: Member, action: MemberAction): Promise<void> {
    const roomId = this.room().id;
    const meId = this.session.user()?.id;
    await this.manage(async () => {
      if (action === 'remove') return this.api.removeMember(roomId, member.id);
      await this.api.transferOwner(roomId, member.id);
      if (this.room().myRole === 'owner' && meId !== member.id) this.rooms.patchRoom(roomId, { myRole: 'member' });
    });
    this.confirming.set(null);
    // The row's actions are gone (or the row itself): the focus goes to the list's heading.
    this.focusSoon('members-heading');
  }

  private focusSoon(elementId: string): void {
    afterNextRender(
      { write: () => this.host.nativeElement.querySelector<HTMLElement>(`[id="${elementId}"]`)?.focus() },
      { injector: this.injector },
    );
  }

  private async manage(action: () => Promise<unknown>): Promise<void> {
    const roomId = this.room().id;
    this.busy.set(true);
    this.error.set(null);
    try {
      await action();
      await this.load(roomId);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }

  private async load(roomId: string): Promise<void> {
    try {
      const mark = this.presence.mark();
      const members = await this.api.members(roomId);
      this.presence.seed(members, mark);
      if (this.room().id !== roomId) return;
      this.loaded.set(members);
      // The list is the fresher count when an event was missed.
      if (members.length !== this.room().memberCount) this.rooms.patchRoom(roomId, { memberCount: members.length });
    } catch (err) {
      this.error.set(errorMessage(err));
    }
  }
}

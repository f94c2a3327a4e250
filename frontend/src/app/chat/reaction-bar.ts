import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import type { Message, Reaction } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { RoomMembersCache } from './room-members-cache';

interface Chip {
  reaction: Reaction;
  mine: boolean;
  /** "Alice, Bob and 3 others reacted with 👍" */
  who: string;
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol", "Alice, Bob and 3 others". */
function listed(names: string[], total: number): string {
  const others = total - names.length;
  if (others > 0) return `${names.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * A message's reactions: one chip per emoji with its count, pressed when mine is among them; a press
 * toggles mine. Who reacted shows on hover (title), in the chip's accessible name, and on a long press
 * (a touch screen's context menu) as a line under the chips. "+" opens the picker.
 */
@Component({
  selector: 'app-reaction-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './reaction-bar.css',
  template: `
    <div class="reactions" role="group" aria-label="Reactions">
      @for (chip of chips(); track chip.reaction.emoji) {
        <button
          type="button"
          class="reaction"
          [class.reaction--mine]="chip.mine"
          [attr.aria-pressed]="chip.mine"
          [attr.aria-label]="chip.reaction.emoji + ' ' + chip.reaction.count + ': ' + chip.who"
          [title]="chip.who"
          [disabled]="!canReact()"
          (click)="pressed.emit(chip.reaction.emoji)"
          (contextmenu)="showWho($event, chip.who)"
        >
          <span class="reaction__emoji" aria-hidden="true">{{ chip.reaction.emoji }}</span>
          <span class="reaction__count" aria-hidden="true">{{ chip.reaction.count }}</span>
        </button>
      }
      @if (canReact()) {
        <button type="button" class="reaction reaction--add" aria-label="Add reaction" title="Add reaction" (click)="add.emit()">
          <span aria-hidden="true">+</span>
        </button>
      }
    </div>
    @if (whoShown(); as who) {
      <p class="reactions__who" role="status">{{ who }}</p>
    }
  `,
})
export class ReactionBar {
  private readonly session = inject(SessionStore);
  private readonly names = inject(RoomMembersCache);

  readonly message = input.required<Message>();
  readonly canReact = input(true);
  /** A chip was pressed: toggle my reaction with that emoji. */
  readonly pressed = output<string>();
  /** "+" was pressed: open the picker. */
  readonly add = output<void>();

  protected readonly whoShown = signal<string | null>(null);
  protected readonly chips = computed<Chip[]>(() => {
    const message = this.message();
    const meId = this.session.user()?.id;
    return message.reactions.map((reaction) => ({
      reaction,
      mine: meId !== undefined && reaction.userIds.includes(meId),
      who: `${listed(this.names.names(message.roomId, reaction.userIds), reaction.count)} reacted with ${reaction.emoji}`,
    }));
  });

  /** A long press on a touch screen (or a right click) shows who reacted instead of the browser's menu. */
  protected showWho(event: Event, who: string): void {
    event.preventDefault();
    this.whoShown.set(this.whoShown() === who ? null : who);
  }
}

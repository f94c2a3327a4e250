import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { EMOJI, EMOJI_GROUPS, searchEmoji, type EmojiEntry } from '@chat/contracts';
import { RecentEmoji } from './recent-emoji';

/** Emoji per row of the grid: what ↑ and ↓ move by. */
const COLUMNS = 8;
let nextId = 0;

interface Section {
  title: string;
  entries: readonly EmojiEntry[];
}

const BY_CHAR = new Map(EMOJI.map((entry) => [entry.char, entry]));

/**
 * Choosing an emoji: a search box (by shortcode and keywords), then "Recently used" and the groups, or
 * the matches. Focus starts in the search box; Enter takes the first match, ↓ goes into the grid and the
 * arrow keys move through it, Escape closes. Inline under its message, so nothing clips it.
 */
@Component({
  selector: 'app-emoji-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './emoji-picker.css',
  host: { '(keydown.escape)': 'onEscape($event)' },
  template: `
    <div class="emoji-picker" role="dialog" [attr.aria-labelledby]="titleId">
      <h2 class="visually-hidden" [id]="titleId">Add a reaction</h2>
      <input
        #search
        type="search"
        class="emoji-picker__search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        autocomplete="off"
        [value]="query()"
        (input)="onInput($event)"
        (keydown)="onSearchKeydown($event)"
      />
      <div #grid class="emoji-picker__sections">
        @for (section of sections(); track section.title) {
          <h3 class="emoji-picker__heading" [id]="titleId + '-' + $index">{{ section.title }}</h3>
          <div class="emoji-picker__grid" role="group" [attr.aria-labelledby]="titleId + '-' + $index">
            @for (entry of section.entries; track entry.char) {
              <button
                type="button"
                class="emoji-picker__emoji"
                [attr.aria-label]="entry.name.replaceAll('_', ' ')"
                [title]="':' + entry.name + ':'"
                (click)="choose(entry.char)"
                (keydown)="onGridKeydown($event)"
              >
                {{ entry.char }}
              </button>
            }
          </div>
        } @empty {
          <p class="muted emoji-picker__none">No emoji match “{{ query() }}”.</p>
        }
      </div>
    </div>
  `,
})
export class EmojiPicker {
  private readonly recentEmoji = inject(RecentEmoji);

  /** The chosen emoji; the owner closes the picker. */
  readonly picked = output<string>();
  /** Escape: the owner closes the picker and takes the focus back. */
  readonly dismissed = output<void>();

  protected readonly titleId = `emoji-picker-${nextId++}`;
  protected readonly query = signal('');
  protected readonly sections = computed<Section[]>(() => {
    const query = this.query().trim();
    if (query) {
      const matches = searchEmoji(query);
      return matches.length ? [{ title: 'Matches', entries: matches }] : [];
    }
    const recent = this.recentEmoji
      .recent()
      .map((char) => BY_CHAR.get(char) ?? { char, name: 'emoji', keywords: '', group: 'Symbols' as const });
    const groups = EMOJI_GROUPS.map((group) => ({ title: group, entries: EMOJI.filter((entry) => entry.group === group) }));
    return recent.length ? [{ title: 'Recently used', entries: recent }, ...groups] : groups;
  });
  private readonly search = viewChild.required<ElementRef<HTMLInputElement>>('search');
  private readonly grid = viewChild.required<ElementRef<HTMLElement>>('grid');

  constructor() {
    afterNextRender({ write: () => this.search().nativeElement.focus() });
  }

  protected onInput(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.query.set(event.target.value);
  }

  protected onSearchKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      const first = this.sections()[0]?.entries[0];
      if (first) this.choose(first.char);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      this.buttons()[0]?.focus();
    }
  }

  /** Arrow keys move through the emoji of all sections as one grid of COLUMNS; ↑ from the first row goes back to the search. */
  protected onGridKeydown(event: KeyboardEvent): void {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step === undefined) return;
    const buttons = this.buttons();
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next = at + step;
    if (next < 0) this.search().nativeElement.focus();
    else buttons[Math.min(next, buttons.length - 1)]?.focus();
  }

  protected choose(emoji: string): void {
    this.recentEmoji.remember(emoji);
    this.picked.emit(emoji);
  }

  protected onEscape(event: Event): void {
    event.preventDefault();
    event.stopPropagation();
    this.dismissed.emit();
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.grid().nativeElement.querySelectorAll<HTMLButtonElement>('.emoji-picker__emoji')];
  }
}

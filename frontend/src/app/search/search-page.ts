import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { LIMITS, type SearchHit } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { excerpt, highlight, queryTerms, type TextPart } from './highlight';
import { SearchApi } from './search-api';

interface ShownHit {
  hit: SearchHit;
  parts: TextPart[];
  time: string;
}

function timeLabel(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Search results (`/search?q=…&roomId=…`): the messages of my rooms that match, newest first, each
 * with its room, sender and time and the matching words marked, a page at a time. A hit is a link
 * into its room at that message (`/rooms/:id?at=SEQ`).
 */
@Component({
  selector: 'app-search-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './search-page.css',
  imports: [RouterLink],
  template: `
    <section class="page search-page">
      <h1 id="search-page-title">Search messages</h1>
      <form class="search-page__form" role="search" aria-labelledby="search-page-title" (submit)="submit($event, box.value)">
        <label class="visually-hidden" for="search-page-q">Search messages</label>
        <input
          #box
          id="search-page-q"
          type="search"
          enterkeyhint="search"
          autocomplete="off"
          [value]="query()"
          [attr.maxlength]="maxQuery"
        />
        <button type="submit" class="button">Search</button>
      </form>
      @if (roomId()) {
        <p class="muted search-page__scope">
          In one room only. <a [routerLink]="['/search']" [queryParams]="{ q: query() }">Search all my rooms</a>
        </p>
      }
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <p class="muted search-page__status" role="status">{{ status() }}</p>
      <ol class="search-results">
        @for (shown of shownHits(); track shown.hit.message.id) {
          <li>
            <!-- A thread reply opens its thread beside the room, at the reply; any other hit opens the room at it. -->
            <a
              class="search-hit"
              [routerLink]="['/rooms', shown.hit.roomId]"
              [queryParams]="
                shown.hit.message.threadRootId
                  ? { thread: shown.hit.message.threadRootId, reply: shown.hit.message.seq }
                  : { at: shown.hit.message.seq }
              "
            >
              <span class="search-hit__meta">
                <span class="search-hit__room"
                  >{{ shown.hit.roomName }}
                  @if (shown.hit.message.threadRootId) {
                    <span class="search-hit__thread"> · in a thread</span>
                  }
                </span>
                <span class="search-hit__sender">{{ shown.hit.message.sender.displayName }}</span>
                <time class="search-hit__time" [attr.datetime]="shown.hit.message.createdAt">{{ shown.time }}</time>
              </span>
              <!-- Runs of text, each in an element: whitespace between elements is dropped, so a mark sits flush in its word. -->
              <span class="search-hit__body">
                @for (part of shown.parts; track $index) {
                  @if (part.match) {
                    <mark>{{ part.text }}</mark>
                  } @else {
                    <span>{{ part.text }}</span>
                  }
                }
              </span>
            </a>
          </li>
        }
      </ol>
      @if (nextCursor()) {
        <button type="button" class="button button--secondary" [disabled]="loading()" (click)="more()">
          {{ loading() ? 'Loading…' : 'More results' }}
        </button>
      }
    </section>
  `,
})
export class SearchPage {
  private readonly api = inject(SearchApi);
  private readonly router = inject(Router);

  /** From the route's query parameters. */
  readonly q = input<string>();
  readonly roomId = input<string>();

  protected readonly maxQuery = LIMITS.messageSearchQueryMax;
  protected readonly query = computed(() => (this.q() ?? '').trim());
  private readonly terms = computed(() => queryTerms(this.query()));
  private readonly hits = signal<readonly SearchHit[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Answers to an older query (or page) that arrive late are dropped. */
  private generation = 0;

  protected readonly shownHits = computed<ShownHit[]>(() => {
    const terms = this.terms();
    return this.hits().map((hit) => ({
      hit,
      parts: highlight(excerpt(hit.message.body ?? '', terms), terms),
      time: timeLabel(hit.message.createdAt),
    }));
  });

  protected readonly status = computed(() => {
    const query = this.query();
    if (!query) return 'Type words to look for in the messages of your rooms.';
    if (this.loading() && this.hits().length === 0) return 'Searching…';
    if (this.error()) return '';
    const count = this.hits().length;
    if (count === 0) return `No messages match “${query}”.`;
    const more = this.nextCursor() ? ' so far' : '';
    return `${count} ${count === 1 ? 'message matches' : 'messages match'} “${query}”${more}.`;
  });

  constructor() {
    effect(() => {
      const q = this.query();
      const roomId = this.roomId();
      untracked(() => this.start(q, roomId));
    });
  }

  protected submit(event: Event, value: string): void {
    event.preventDefault();
    const q = value.trim();
    if (!q) return;
    void this.router.navigate(['/search'], { queryParams: { q, roomId: this.roomId() ?? null } });
  }

  protected more(): void {
    const before = this.nextCursor();
    if (before && !this.loading()) void this.load(this.query(), this.roomId(), before, this.generation);
  }

  private start(q: string, roomId: string | undefined): void {
    this.generation += 1;
    this.hits.set([]);
    this.nextCursor.set(null);
    this.error.set(null);
    this.loading.set(false);
    if (q) void this.load(q, roomId, undefined, this.generation);
  }

  private async load(q: string, roomId: string | undefined, before: string | undefined, generation: number): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.search({ q, roomId, before });
      if (generation !== this.generation) return;
      this.hits.update((hits) => [...hits, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (err) {
      if (generation === this.generation) this.error.set(errorMessage(err));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}

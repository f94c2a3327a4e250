import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, signal, type Signal } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import type { CursorPage } from '@chat/contracts';
import { debounceTime, distinctUntilChanged } from 'rxjs';
import { errorMessage } from '../core/api-error';

/** How long a typed query settles before it is asked for. */
const QUERY_DEBOUNCE_MS = 250;

/**
 * One admin list fetched by cursor: the items so far, the next cursor, loading and error state. A
 * new query replaces the list; answers to an older query than the latest are dropped.
 */
export class PagedList<T extends { id: string }, Q> {
  readonly items = signal<readonly T[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  private query: Q | null = null;
  private generation = 0;

  constructor(private readonly fetchPage: (query: Q, cursor: string | null) => Promise<CursorPage<T>>) {}

  /**
   * Loads `query` now and again whenever it changes and then settles for QUERY_DEBOUNCE_MS (`same`
   * tells a change from none). Call from a constructor: it stops with the component.
   */
  follow(query: Signal<Q>, same: (a: Q, b: Q) => boolean = Object.is): void {
    const subscription = toObservable(query)
      .pipe(debounceTime(QUERY_DEBOUNCE_MS), distinctUntilChanged(same))
      .subscribe((value) => void this.load(value));
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  /** Starts over with `query`. */
  load(query: Q): Promise<void> {
    this.query = query;
    return this.fetch(null);
  }

  /** Appends the next page of the current query. */
  more(): Promise<void> {
    return this.fetch(this.nextCursor());
  }

  /** Puts a changed item in place of the one with its id. */
  replace(item: T): void {
    this.items.update((list) => list.map((current) => (current.id === item.id ? item : current)));
  }

  private async fetch(cursor: string | null): Promise<void> {
    if (this.query === null) return;
    const generation = ++this.generation;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.fetchPage(this.query, cursor);
      if (generation !== this.generation) return;
      this.items.update((list) => (cursor ? [...list, ...page.items] : page.items));
      this.nextCursor.set(page.nextCursor);
    } catch (err) {
      if (generation === this.generation) this.error.set(errorMessage(err));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}

/** What the "Load more" button needs of a list. */
export interface MorePages {
  readonly nextCursor: Signal<string | null>;
  readonly loading: Signal<boolean>;
  more(): Promise<void>;
}

/** The "Load more" button under a paged admin list, while there is more. */
@Component({
  selector: 'app-load-more',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let more = list();
    @if (more.nextCursor()) {
      <button type="button" class="button button--small button--secondary admin-more" [disabled]="more.loading()" (click)="more.more()">
        Load more
      </button>
    }
  `,
})
export class LoadMore {
  readonly list = input.required<MorePages>();
}

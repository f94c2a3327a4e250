import { signal } from '@angular/core';
import type { CursorPage } from '@chat/contracts';
import { errorMessage } from '../core/api-error';

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

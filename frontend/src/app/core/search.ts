import { Signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { catchError, debounceTime, distinctUntilChanged, from, map, of, startWith, switchMap } from 'rxjs';
import { errorMessage } from './api-error';

export interface SearchState<T> {
  items: T[];
  loading: boolean;
  error: string | null;
}

/**
 * Results for a search box: debounced, latest query wins, errors become a message.
 * Call in an injection context (a component field initializer).
 */
export function searchResults<T>(query: Signal<string>, fetch: (query: string) => Promise<T[]>, debounceMs = 250): Signal<SearchState<T>> {
  const initial: SearchState<T> = { items: [], loading: true, error: null };
  return toSignal(
    toObservable(query).pipe(
      map((q) => q.trim()),
      debounceTime(debounceMs),
      distinctUntilChanged(),
      switchMap((q) =>
        from(fetch(q)).pipe(
          map((items): SearchState<T> => ({ items, loading: false, error: null })),
          catchError((err: unknown) => of<SearchState<T>>({ items: [], loading: false, error: errorMessage(err) })),
          startWith(initial),
        ),
      ),
    ),
    { initialValue: initial },
  );
}

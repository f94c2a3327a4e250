import { DOCUMENT } from '@angular/common';
import { Injectable, computed, inject, signal } from '@angular/core';
import { emojiProblem } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { RECENT_EMOJI_PREFIX } from './chat-persistence';

const KEEP = 16;

/**
 * The emoji I picked last, newest first, for the picker's "Recently used" row; kept in localStorage per
 * user (removed on logout with the rest of the user's data). Storage errors leave them in memory only.
 */
@Injectable({ providedIn: 'root' })
export class RecentEmoji {
  private readonly storage = inject(DOCUMENT).defaultView?.localStorage ?? null;
  private readonly session = inject(SessionStore);
  /** Per user, once read from storage (or remembered here when storage fails). */
  private readonly lists = new Map<string, readonly string[]>();
  private readonly version = signal(0);

  /** Newest first, at most 16. */
  readonly recent = computed<readonly string[]>(() => {
    this.version();
    const userId = this.session.user()?.id;
    return userId ? this.listOf(userId) : [];
  });

  remember(emoji: string): void {
    const userId = this.session.user()?.id;
    if (!userId) return;
    const next = [emoji, ...this.listOf(userId).filter((e) => e !== emoji)].slice(0, KEEP);
    this.lists.set(userId, next);
    try {
      this.storage?.setItem(RECENT_EMOJI_PREFIX + userId, JSON.stringify(next));
    } catch {
      // Quota or private mode: this tab still remembers them.
    }
    this.version.update((v) => v + 1);
  }

  private listOf(userId: string): readonly string[] {
    const known = this.lists.get(userId);
    if (known) return known;
    let stored: unknown = [];
    try {
      stored = JSON.parse(this.storage?.getItem(RECENT_EMOJI_PREFIX + userId) ?? '[]');
    } catch {
      stored = [];
    }
    const list = Array.isArray(stored)
      ? stored.filter((e): e is string => typeof e === 'string' && emojiProblem(e) === null).slice(0, KEEP)
      : [];
    this.lists.set(userId, list);
    return list;
  }
}

import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';
import { SessionStore } from '../auth/session-store';
import { ChatPersistence } from './chat-persistence';

/** What I started writing in each room, kept in localStorage so a reload brings it back. */
@Injectable()
export class DraftStore {
  private readonly persistence = new ChatPersistence(
    inject(DOCUMENT).defaultView?.localStorage ?? null,
    inject(SessionStore).user()?.id ?? 'unknown',
  );
  private readonly drafts = signal<ReadonlyMap<string, string>>(this.persistence.loadDrafts());

  draft(roomId: string): string {
    return this.drafts().get(roomId) ?? '';
  }

  /** Returns whether the draft changed. */
  set(roomId: string, text: string): boolean {
    if (this.draft(roomId) === text) return false;
    this.store(roomId, text);
    return true;
  }

  /** Also removes what another tab may have stored for the room. */
  clear(roomId: string): void {
    this.store(roomId, '');
  }

  private store(roomId: string, text: string): void {
    this.drafts.update((map) => {
      const next = new Map(map);
      if (text) next.set(roomId, text);
      else next.delete(roomId);
      return next;
    });
    this.persistence.saveDraft(roomId, text);
  }
}

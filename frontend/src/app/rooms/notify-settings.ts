import { DOCUMENT } from '@angular/common';
import { Injectable, computed, inject, signal } from '@angular/core';
import { SessionStore } from '../auth/session-store';

/** One user's notification choices, kept in this browser (localStorage). */
export interface NotifySettings {
  /** Desktop notifications (the browser's permission is asked for when this is turned on). */
  desktop: boolean;
  /** A short sound. */
  sound: boolean;
  /** Rooms whose messages never notify, sound or count in the tab's title. */
  muted: string[];
}

const PREFIX = 'chat.notify.';
const DEFAULTS: NotifySettings = { desktop: false, sound: false, muted: [] };

/** Key of one user's settings (removed on logout with the rest of the user's data). */
export function notifySettingsKey(userId: string): string {
  return PREFIX + userId;
}

function parsed(raw: string | null): NotifySettings {
  try {
    const value = JSON.parse(raw ?? 'null') as Partial<NotifySettings> | null;
    return {
      desktop: value?.desktop === true,
      sound: value?.sound === true,
      muted: Array.isArray(value?.muted) ? value.muted.filter((id): id is string => typeof id === 'string') : [],
    };
  } catch {
    return DEFAULTS;
  }
}

/**
 * Per user, in this browser: desktop notifications and sound for DMs and mentions while the tab is hidden,
 * and the rooms I muted. A choice of this device, like the browser's own permission (not synced).
 */
@Injectable({ providedIn: 'root' })
export class NotifySettingsStore {
  private readonly storage = inject(DOCUMENT).defaultView?.localStorage ?? null;
  private readonly session = inject(SessionStore);
  private readonly version = signal(0);
  /** Kept here when storage fails. */
  private readonly memory = new Map<string, NotifySettings>();

  readonly settings = computed<NotifySettings>(() => {
    this.version();
    const userId = this.session.user()?.id;
    if (!userId) return DEFAULTS;
    return this.memory.get(userId) ?? parsed(this.read(notifySettingsKey(userId)));
  });

  isMuted(roomId: string): boolean {
    return this.settings().muted.includes(roomId);
  }

  setMuted(roomId: string, muted: boolean): void {
    const rest = this.settings().muted.filter((id) => id !== roomId);
    this.update({ muted: muted ? [...rest, roomId] : rest });
  }

  update(patch: Partial<NotifySettings>): void {
    const userId = this.session.user()?.id;
    if (!userId) return;
    const next = { ...this.settings(), ...patch };
    try {
      this.storage?.setItem(notifySettingsKey(userId), JSON.stringify(next));
      this.memory.delete(userId);
    } catch {
      this.memory.set(userId, next);
    }
    this.version.update((v) => v + 1);
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }
}

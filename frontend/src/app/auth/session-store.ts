import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { AuthResponse, User } from '@chat/contracts';

const TOKEN_KEY = 'chat.token';
const USER_KEY = 'chat.user';

/**
 * localStorage keys holding one user's data that a logout by choice removes (unsent messages,
 * drafts). The features owning those keys provide them at the app root; auth knows none of them.
 */
export const USER_DATA_KEYS = new InjectionToken<(userId: string) => string[]>('USER_DATA_KEYS', {
  providedIn: 'root',
  factory: () => () => [],
});

export const SESSION_EXPIRED_MESSAGE = 'Your session expired, please log in again';

function isUser(value: unknown): value is User {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'username' in value &&
    typeof value.username === 'string' &&
    'displayName' in value &&
    typeof value.displayName === 'string'
  );
}

/**
 * Who is logged in. The token lives in localStorage so a reload keeps the session;
 * the cached user only paints the UI until `GET /api/me` confirms it.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly router = inject(Router);
  private readonly storage: Storage | null = inject(DOCUMENT).defaultView?.localStorage ?? null;
  private readonly userDataKeys = inject(USER_DATA_KEYS);

  private readonly tokenState = signal<string | null>(this.read(TOKEN_KEY));
  private readonly userState = signal<User | null>(this.readUser());
  private readonly noticeState = signal<string | null>(null);

  readonly token = this.tokenState.asReadonly();
  readonly user = this.userState.asReadonly();
  readonly loggedIn = computed(() => this.tokenState() !== null);
  /** Why the user landed on the login page, if not by choice. */
  readonly notice = this.noticeState.asReadonly();

  constructor() {
    // Logging out in another tab logs out this one too.
    const window = inject(DOCUMENT).defaultView;
    const onStorage = (event: StorageEvent) => {
      if (event.key === TOKEN_KEY && event.newValue === null && this.tokenState() !== null) {
        this.end(null);
      }
    };
    window?.addEventListener('storage', onStorage);
    inject(DestroyRef).onDestroy(() => window?.removeEventListener('storage', onStorage));
  }

  start(auth: AuthResponse): void {
    this.write(TOKEN_KEY, auth.accessToken);
    this.write(USER_KEY, JSON.stringify(auth.user));
    this.tokenState.set(auth.accessToken);
    this.userState.set(auth.user);
    this.noticeState.set(null);
  }

  updateUser(user: User): void {
    this.write(USER_KEY, JSON.stringify(user));
    this.userState.set(user);
  }

  /** Log out by choice: this device forgets the user's unsent messages and drafts too. */
  logout(): void {
    const userId = this.userState()?.id;
    if (userId) for (const key of this.userDataKeys(userId)) this.remove(key);
    this.end(null);
  }

  /** The server refused the token (401, socket UNAUTHORIZED) or closed the session. */
  expire(message: string = SESSION_EXPIRED_MESSAGE): void {
    if (this.tokenState() === null) return;
    this.end(message);
  }

  clearNotice(): void {
    this.noticeState.set(null);
  }

  private end(notice: string | null): void {
    this.remove(TOKEN_KEY);
    this.remove(USER_KEY);
    this.tokenState.set(null);
    this.userState.set(null);
    this.noticeState.set(notice);
    void this.router.navigateByUrl('/login');
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private readUser(): User | null {
    const raw = this.read(USER_KEY);
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isUser(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // Storage disabled: nothing was kept.
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Storage full or disabled (private mode): the session still works until reload.
    }
  }
}

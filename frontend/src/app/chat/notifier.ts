import { DOCUMENT } from '@angular/common';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import type { Message, MyRoom } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { roomTitle } from '../rooms/my-rooms';
import { NotifySettingsStore } from '../rooms/notify-settings';
import { RoomsStore } from '../rooms/rooms-store';

/** What the browser said when asked for notifications, or that it has none. */
export type DesktopPermission = NotificationPermission | 'unsupported';

/**
 * Tells me about a direct message or a mention while this tab is hidden: a desktop notification (the
 * Notification API, once I allowed it) and an optional short sound, as I chose in my profile; never for a
 * muted room or my own messages. A click on the notification opens the room.
 */
@Injectable()
export class Notifier {
  private readonly document = inject(DOCUMENT);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  private readonly rooms = inject(RoomsStore);
  private readonly settings = inject(NotifySettingsStore);
  private audio: AudioContext | null = null;

  /** A live `message:new`. */
  onMessage(message: Message): void {
    const meId = this.session.user()?.id;
    if (!meId || message.sender.id === meId || this.document.visibilityState !== 'hidden') return;
    const room = this.rooms.room(message.roomId);
    if (!room || this.settings.isMuted(room.id)) return;
    if (room.kind !== 'dm' && !message.mentions.includes(meId)) return;
    const { desktop, sound } = this.settings.settings();
    if (desktop) this.show(room, message);
    if (sound) this.chime();
  }

  permission(): DesktopPermission {
    const api = this.document.defaultView?.Notification;
    return api ? api.permission : 'unsupported';
  }

  /** Turns desktop notifications on, asking the browser first (call it from a click). Returns what it said. */
  async enableDesktop(): Promise<DesktopPermission> {
    const api = this.document.defaultView?.Notification;
    if (!api) return 'unsupported';
    const answer = api.permission === 'default' ? await api.requestPermission() : api.permission;
    this.settings.update({ desktop: answer === 'granted' });
    return answer;
  }

  private show(room: MyRoom, message: Message): void {
    const api = this.document.defaultView?.Notification;
    if (!api || api.permission !== 'granted') return;
    const sender = message.sender.displayName || message.sender.username;
    const group = (room.people?.length ?? 0) > 1;
    const title = room.kind !== 'dm' ? `${sender} in #${roomTitle(room)}` : group ? `${sender} in ${roomTitle(room)}` : sender;
    // One notification per room at a time (tag): a busy DM replaces its last one instead of piling up.
    const notification = new api(title, { body: (message.body ?? '').slice(0, 200), tag: room.id });
    notification.onclick = () => {
      this.document.defaultView?.focus();
      void this.router.navigate(['/rooms', room.id]);
      notification.close();
    };
  }

  /** Two short soft tones (Web Audio: no file to load). */
  private chime(): void {
    const Context = this.document.defaultView?.AudioContext;
    if (!Context) return;
    try {
      this.audio ??= new Context();
      const start = this.audio.currentTime;
      for (const [offset, frequency] of [
        [0, 880],
        [0.12, 1320],
      ] as const) {
        const tone = this.audio.createOscillator();
        const gain = this.audio.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.08, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
        tone.connect(gain).connect(this.audio.destination);
        tone.start(start + offset);
        tone.stop(start + offset + 0.2);
      }
    } catch {
      // No audio here (or not allowed yet): the notification is enough.
    }
  }
}

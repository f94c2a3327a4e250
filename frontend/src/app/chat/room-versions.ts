import { signal, type WritableSignal } from '@angular/core';

/**
 * One version signal per room, for models kept outside signals (timelines, outbox, typing):
 * a computed that reads a room's version re-runs when that room changes, not when any does.
 */
export class RoomVersions {
  private readonly versions = new Map<string, WritableSignal<number>>();

  /** Reads (and so tracks) the room's version. */
  read(roomId: string): number {
    return this.of(roomId)();
  }

  bump(roomId: string): void {
    this.of(roomId).update((v) => v + 1);
  }

  private of(roomId: string): WritableSignal<number> {
    let version = this.versions.get(roomId);
    if (!version) {
      version = signal(0);
      this.versions.set(roomId, version);
    }
    return version;
  }
}

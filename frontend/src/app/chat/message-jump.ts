import { Signal, computed, effect, inject, untracked } from '@angular/core';
import { RoomTimelines } from './room-timelines';
import type { TimelineItem } from './timeline-items';

/** The seq named by a room link's `at` query parameter (`/rooms/:id?at=SEQ`, from a search hit), if valid. */
export function jumpSeq(at: string | undefined): number | null {
  if (!at || !/^\d{1,16}$/.test(at)) return null;
  const seq = Number(at);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}

/**
 * A jump to the message at `seq` of the room on show: once the room is loaded, older pages are
 * loaded until that message and at least one before it are in (the same paging as scrolling up,
 * so the timeline stays one window from the newest message down, and live updates carry on as
 * ever). Returns the key of its row once it is there, for the message list to reveal.
 * Call in an injection context (a component's field initializer).
 */
export function messageJump(
  roomId: Signal<string>,
  seq: Signal<number | null>,
  items: Signal<readonly TimelineItem[]>,
): Signal<string | null> {
  const timelines = inject(RoomTimelines);
  effect(() => {
    const target = seq();
    const room = roomId();
    if (target === null) return;
    const view = timelines.view(room);
    if (!view.ready || !view.hasOlder || view.loadingOlder || view.error) return;
    const oldest = timelines.messages(room)[0]?.seq;
    if (oldest !== undefined && oldest < target) return;
    untracked(() => void timelines.loadOlder(room));
  });
  return computed(() => {
    const target = seq();
    if (target === null) return null;
    const item = items().find((candidate) => candidate.kind === 'message' && candidate.message.seq === target);
    return item?.key ?? null;
  });
}

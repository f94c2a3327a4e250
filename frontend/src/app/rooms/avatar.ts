import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/**
 * Avatar backgrounds: each gives white text at least 4.5:1 contrast (WCAG AA), whatever the
 * theme around it (avatar.spec.ts checks every one).
 */
export const AVATAR_COLORS: readonly string[] = [
  '#b91c1c',
  '#c2410c',
  '#a16207',
  '#4d7c0f',
  '#15803d',
  '#047857',
  '#0f766e',
  '#0e7490',
  '#0369a1',
  '#1d4ed8',
  '#4338ca',
  '#6d28d9',
  '#7e22ce',
  '#a21caf',
  '#be185d',
  '#be123c',
];

/** A user's colour, from their id (FNV-1a hash): the same on every screen and device, and after a rename. */
export function avatarColor(userId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return AVATAR_COLORS[(hash >>> 0) % AVATAR_COLORS.length] ?? '#1d4ed8';
}

/** "Alice Liddell" → "AL", "bob" → "B": the first letters of the first and last words (whole characters, emoji too). */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const first = words[0];
  if (first === undefined) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string | undefined) => (word === undefined ? '' : (Array.from(word)[0] ?? ''));
  return (letter(first) + letter(last)).toLocaleUpperCase();
}

/**
 * A person's initials on their colour. Decorative (hidden from screen readers): the name is
 * always written beside it. The size comes from `--avatar-size` (styles.css).
 */
@Component({
  selector: 'app-avatar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'avatar', 'aria-hidden': 'true', '[style.background-color]': 'color()' },
  template: `{{ letters() }}`,
})
export class Avatar {
  readonly userId = input.required<string>();
  readonly name = input.required<string>();

  protected readonly color = computed(() => avatarColor(this.userId()));
  protected readonly letters = computed(() => initials(this.name()));
}

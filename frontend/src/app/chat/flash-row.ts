/** How long a message jumped to stays highlighted (the `is-revealed` animation in styles.css). */
export const REVEAL_FLASH_MS = 2500;

/** Highlights a message's row for a moment, restarting the flash when the same row is shown again. */
export function flashRow(row: HTMLElement): void {
  row.classList.remove('is-revealed');
  void row.offsetWidth; // a reflow between removing and adding restarts the animation
  row.classList.add('is-revealed');
  setTimeout(() => row.classList.remove('is-revealed'), REVEAL_FLASH_MS);
}

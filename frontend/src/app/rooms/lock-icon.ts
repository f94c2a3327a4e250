import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The padlock of a private room, as tall as the font around it. Hidden from screen readers: say "private" in text. */
@Component({
  selector: 'app-lock-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'aria-hidden': 'true' },
  styles: `
    :host {
      display: inline-flex;
    }
    svg {
      width: 1em;
      height: 1em;
      fill: currentColor;
    }
  `,
  template: `<svg viewBox="0 0 16 16"><path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z" /></svg>`,
})
export class LockIcon {}

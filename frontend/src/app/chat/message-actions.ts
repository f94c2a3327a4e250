import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  effect,
  inject,
  input,
  output,
  type OutputEmitterRef,
  signal,
  viewChild,
} from '@angular/core';

let nextId = 0;

/**
 * A message's "⋯" button and the actions it reveals (Add reaction, Edit, Delete): one tab stop per message instead of one
 * per action, and one small corner button on a phone instead of a row of buttons under every
 * message. A disclosure (not an ARIA menu): Tab moves through the actions, Escape closes them.
 */
@Component({
  selector: 'app-message-actions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message-actions.css',
  host: { '[class.is-open]': 'open()', '(keydown.escape)': 'onEscape($event)', '(focusout)': 'onFocusOut($event)' },
  template: `
    <button
      #opener
      type="button"
      class="button button--small button--ghost message-actions__toggle"
      aria-label="Message actions"
      [attr.aria-expanded]="open()"
      [attr.aria-controls]="open() ? menuId : null"
      (click)="toggle()"
    >
      <span aria-hidden="true">⋯</span>
    </button>
    @if (open()) {
      <div #menu class="message-actions__menu" role="group" aria-label="Message actions" [id]="menuId">
        @if (canReact()) {
          <button type="button" class="button button--small button--ghost" (click)="choose(react)">Add reaction</button>
        }
        @if (canReply()) {
          <button type="button" class="button button--small button--ghost" (click)="choose(reply)">Reply in thread</button>
        }
        @if (canEdit()) {
          <button type="button" class="button button--small button--ghost" (click)="choose(edit)">Edit</button>
        }
        @if (canDelete()) {
          <button type="button" class="button button--small button--ghost" (click)="choose(delete)">Delete</button>
        }
      </div>
    }
  `,
})
export class MessageActions {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  readonly canEdit = input(false);
  readonly canDelete = input(false);
  readonly canReact = input(false);
  readonly react = output<void>();
  readonly canReply = input(false);
  readonly reply = output<void>();
  readonly edit = output<void>();
  readonly delete = output<void>();

  protected readonly open = signal(false);
  protected readonly menuId = `message-actions-${nextId++}`;
  private readonly opener = viewChild.required<ElementRef<HTMLButtonElement>>('opener');
  private readonly menu = viewChild<ElementRef<HTMLElement>>('menu');

  constructor() {
    // A press anywhere else closes the actions. Listened to only while open: a long timeline has one of these per message.
    const document = inject(DOCUMENT);
    effect((onCleanup) => {
      if (!this.open()) return;
      const onPointerDown = (event: PointerEvent) => {
        if (!(event.target instanceof Node && this.host.nativeElement.contains(event.target))) this.open.set(false);
      };
      document.addEventListener('pointerdown', onPointerDown, true);
      onCleanup(() => document.removeEventListener('pointerdown', onPointerDown, true));
    });
  }

  /** Puts focus back on the "⋯" button, once an edit or a delete is done with. */
  focus(): void {
    this.opener().nativeElement.focus();
  }

  protected toggle(): void {
    this.open.update((open) => !open);
    if (this.open()) {
      afterNextRender({ write: () => this.menu()?.nativeElement.querySelector('button')?.focus() }, { injector: this.injector });
    }
  }

  protected choose(action: OutputEmitterRef<void>): void {
    this.open.set(false);
    action.emit();
  }

  protected onEscape(event: Event): void {
    if (!this.open()) return;
    event.preventDefault();
    this.open.set(false);
    this.focus();
  }

  /** Tabbing out of the actions closes them (a press elsewhere is handled above). */
  protected onFocusOut(event: FocusEvent): void {
    if (event.relatedTarget instanceof Node && !this.host.nativeElement.contains(event.relatedTarget)) this.open.set(false);
  }
}

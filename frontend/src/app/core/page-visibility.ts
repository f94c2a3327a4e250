import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** Whether the tab is visible: read markers are only sent for rooms the user can see. */
@Injectable({ providedIn: 'root' })
export class PageVisibility {
  private readonly document = inject(DOCUMENT);
  private readonly state = signal(this.document.visibilityState !== 'hidden');
  readonly visible = this.state.asReadonly();

  constructor() {
    const update = () => this.state.set(this.document.visibilityState !== 'hidden');
    this.document.addEventListener('visibilitychange', update);
    inject(DestroyRef).onDestroy(() => this.document.removeEventListener('visibilitychange', update));
  }
}

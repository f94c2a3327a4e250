import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router } from '@angular/router';
import { LIMITS } from '@chat/contracts';

/** The sidebar's search box: opens the results (`/search?q=…`) for the messages of my rooms. */
@Component({
  selector: 'app-message-search-box',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="message-search" role="search" aria-label="Messages" (submit)="submit($event, box.value)">
      <label class="visually-hidden" for="sidebar-message-search">Search messages</label>
      <input
        #box
        id="sidebar-message-search"
        type="search"
        placeholder="Search messages"
        enterkeyhint="search"
        autocomplete="off"
        [attr.maxlength]="maxQuery"
      />
      <button type="submit" class="button button--small button--secondary">Search</button>
    </form>
  `,
  styles: `
    .message-search {
      display: flex;
      gap: 0.35rem;
      padding: 0.75rem 0.75rem 0;
    }
    .message-search input {
      flex: 1 1 auto;
      min-width: 0;
      padding-block: 0.3rem;
    }
  `,
})
export class MessageSearchBox {
  private readonly router = inject(Router);
  protected readonly maxQuery = LIMITS.messageSearchQueryMax;

  protected submit(event: Event, value: string): void {
    event.preventDefault();
    const q = value.trim();
    if (q) void this.router.navigate(['/search'], { queryParams: { q } });
  }
}

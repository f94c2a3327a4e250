import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'app-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="empty-state">
      <h1>Welcome</h1>
      <p>Pick a room on the left, or:</p>
      <p class="empty-state__actions">
        <a class="button" routerLink="/rooms/new">Create a room</a>
        <a class="button button--secondary" routerLink="/rooms/browse">Browse public rooms</a>
        <a class="button button--secondary" routerLink="/dms/new">Message someone</a>
      </p>
    </section>
  `,
})
export class HomePage {}

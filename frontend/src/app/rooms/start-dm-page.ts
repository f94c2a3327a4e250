import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { User } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { RoomsStore } from './rooms-store';
import { UserSearch } from './user-search';

@Component({
  selector: 'app-start-dm-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [UserSearch],
  template: `
    <section class="page">
      <h1>New message</h1>
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <app-user-search label="Search people" actionLabel="Message" [busy]="busy()" (picked)="open($event)" />
    </section>
  `,
})
export class StartDmPage {
  private readonly rooms = inject(RoomsStore);
  private readonly router = inject(Router);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async open(user: User): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const room = await this.rooms.openDm(user.id);
      await this.router.navigate(['/rooms', room.id]);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { Router } from '@angular/router';
import { LIMITS, type User } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { RoomsStore } from './rooms-store';
import { UserSearch } from './user-search';

/**
 * "New message": **Message** beside a person opens our DM at once; **Add to group** collects up to seven
 * people for a group DM (the same room every time for the same people), started with one button.
 */
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
      @if (group().length > 0) {
        <section class="group-draft" aria-labelledby="group-heading">
          <h2 id="group-heading" class="group-draft__heading">Group message with</h2>
          <ul class="group-draft__people">
            @for (person of group(); track person.id) {
              <li class="tag group-draft__person">
                {{ person.displayName }}
                <button
                  type="button"
                  class="button button--small button--ghost"
                  [attr.aria-label]="'Remove ' + person.displayName + ' from the group'"
                  (click)="drop(person)"
                >
                  ×
                </button>
              </li>
            }
          </ul>
          <button type="button" class="button" [disabled]="busy()" (click)="open(group())">
            {{ group().length === 1 ? 'Message ' + group()[0]?.displayName : 'Start group message (' + (group().length + 1) + ' people)' }}
          </button>
        </section>
      }
      @if (full()) {
        <p class="muted">A group message has at most {{ maxPeople }} people, you included.</p>
      }
      <app-user-search
        label="Search people"
        actionLabel="Message"
        secondaryLabel="Add to group"
        [secondaryDisabled]="full()"
        [excludeIds]="groupIds()"
        [busy]="busy()"
        (picked)="open([$event])"
        (secondaryPicked)="add($event)"
      />
    </section>
  `,
  styles: `
    .group-draft {
      display: grid;
      gap: 0.5rem;
      justify-items: start;
      margin-bottom: 1.25rem;
    }
    .group-draft__heading {
      font-size: 1rem;
      margin: 0;
    }
    .group-draft__people {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .group-draft__person {
      display: inline-flex;
      align-items: center;
      gap: 0.15rem;
      font-size: 0.85rem;
    }
  `,
})
export class StartDmPage {
  private readonly rooms = inject(RoomsStore);
  private readonly router = inject(Router);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly maxPeople = LIMITS.dmMembersMax;
  /** The people picked for a group DM so far (me not included). */
  protected readonly group = signal<readonly User[]>([]);
  protected readonly groupIds = computed(() => this.group().map((person) => person.id));
  protected readonly full = computed(() => this.group().length >= LIMITS.dmMembersMax - 1);
  private readonly search = viewChild.required(UserSearch);

  /** Adds to the group; the search box empties, ready for the next person. */
  protected add(person: User): void {
    if (!this.full() && !this.groupIds().includes(person.id)) this.group.update((people) => [...people, person]);
    this.search().clear();
  }

  /** Takes someone out of the group; the focus goes back to the search box (their chip is gone). */
  protected drop(person: User): void {
    this.group.update((people) => people.filter((p) => p.id !== person.id));
    this.search().clear();
  }

  protected async open(people: readonly User[]): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const room = await this.rooms.openDm(people.map((person) => person.id));
      await this.router.navigate(['/rooms', room.id]);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}

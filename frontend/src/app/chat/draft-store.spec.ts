import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ALICE } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { DraftStore } from './draft-store';

function setup(): DraftStore {
  TestBed.configureTestingModule({ providers: [provideRouter([]), DraftStore] });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: 'user' } });
  return TestBed.inject(DraftStore);
}

describe('DraftStore', () => {
  beforeEach(() => localStorage.clear());

  it('keeps a draft per room and says whether it changed', () => {
    const drafts = setup();
    expect(drafts.set('r1', 'hello')).toBe(true);
    expect(drafts.set('r1', 'hello')).toBe(false);
    drafts.set('r2', 'other');
    expect(drafts.draft('r1')).toBe('hello');
    expect(drafts.draft('r2')).toBe('other');
    expect(drafts.draft('r3')).toBe('');
  });

  it('stores drafts under the user, so a reload brings them back', () => {
    setup().set('r1', 'half a thought');
    expect(JSON.parse(localStorage.getItem('chat.drafts.u-alice') ?? '{}')).toEqual({ r1: 'half a thought' });
    TestBed.resetTestingModule();
    expect(setup().draft('r1')).toBe('half a thought');
  });

  it('clears a draft here and in storage, also one only another tab knew about', () => {
    const drafts = setup();
    localStorage.setItem('chat.drafts.u-alice', JSON.stringify({ r1: 'from another tab' }));
    drafts.clear('r1');
    expect(drafts.draft('r1')).toBe('');
    expect(localStorage.getItem('chat.drafts.u-alice')).toBeNull();
  });
});

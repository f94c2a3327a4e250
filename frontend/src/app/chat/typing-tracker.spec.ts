import { TypingNotifier, TypingTracker, typingLabel } from './typing-tracker';

const event = (id: string, typing: boolean, roomId = 'r1') => ({
  roomId,
  user: { id, username: id, displayName: id.toUpperCase() },
  typing,
});

describe('TypingTracker', () => {
  it('lists who types in a room until they stop', () => {
    const tracker = new TypingTracker(6000);
    expect(tracker.apply(event('bob', true), 0)).toBe(true);
    tracker.apply(event('alice', true), 0);
    tracker.apply(event('carol', true, 'r2'), 0);
    expect(tracker.names('r1')).toEqual(['ALICE', 'BOB']);
    expect(tracker.apply(event('bob', false), 10)).toBe(true);
    expect(tracker.names('r1')).toEqual(['ALICE']);
  });

  it('names people by their display name, else their username', () => {
    const tracker = new TypingTracker(6000);
    tracker.apply({ roomId: 'r1', user: { id: 'u1', username: 'dave', displayName: '' }, typing: true }, 0);
    expect(tracker.names('r1')).toEqual(['dave']);
  });

  it('expires entries that are not refreshed', () => {
    const tracker = new TypingTracker(6000);
    tracker.apply(event('bob', true), 0);
    tracker.apply(event('alice', true), 4000);
    expect(tracker.expire(6000)).toBe(true);
    expect(tracker.names('r1')).toEqual(['ALICE']);
    expect(tracker.expire(10_000)).toBe(true);
    expect(tracker.active).toBe(false);
  });

  it('clears a sender when their message arrives', () => {
    const tracker = new TypingTracker(6000);
    tracker.apply(event('bob', true), 0);
    expect(tracker.clear('r1', 'bob')).toBe(true);
    expect(tracker.names('r1')).toEqual([]);
  });
});

describe('typingLabel', () => {
  it('reads naturally', () => {
    expect(typingLabel([])).toBe('');
    expect(typingLabel(['alice'])).toBe('alice is typing…');
    expect(typingLabel(['alice', 'bob'])).toBe('alice and bob are typing…');
    expect(typingLabel(['a', 'b', 'c'])).toBe('Several people are typing…');
  });
});

describe('TypingNotifier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends typing once per burst, refreshes it, and stops after a pause', () => {
    let now = 0;
    const emit = jest.fn();
    const notifier = new TypingNotifier(emit, 3000, 2000, () => now);

    notifier.input('r1', true);
    now = 1000;
    notifier.input('r1', true);
    expect(emit.mock.calls).toEqual([['r1', true]]);

    now = 3500;
    notifier.input('r1', true);
    expect(emit.mock.calls).toEqual([
      ['r1', true],
      ['r1', true],
    ]);

    jest.advanceTimersByTime(2000);
    expect(emit).toHaveBeenLastCalledWith('r1', false);
  });

  it('stops when the draft is emptied or another room is typed in', () => {
    const emit = jest.fn();
    const notifier = new TypingNotifier(emit, 3000, 2000, () => 0);
    notifier.input('r1', true);
    notifier.input('r2', true);
    notifier.input('r2', false);
    expect(emit.mock.calls).toEqual([
      ['r1', true],
      ['r1', false],
      ['r2', true],
      ['r2', false],
    ]);
  });
});

import { ROOM_MENTION, insertMention, mentionMatches, mentionQuery } from './mention-suggestions';

describe('mention suggestions', () => {
  it('finds the @ being typed before the caret, not one in an address or an earlier word', () => {
    expect(mentionQuery('hi @Bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail alice@exa', 14)).toBeNull();
    expect(mentionQuery('@bob hello', 10)).toBeNull();
    expect(mentionQuery('@bob hello', 3)).toEqual({ start: 0, query: 'bo' });
  });

  it('matches usernames first, then a word of the display name, at most 8', () => {
    const people = [
      { username: 'carol', displayName: 'Carol Danvers' },
      { username: 'bob', displayName: 'Bob Builder' },
      { username: 'dan', displayName: 'Daniel Bobson' },
      ROOM_MENTION,
    ];
    expect(mentionMatches(people, 'bo').map((p) => p.username)).toEqual(['bob', 'dan']);
    expect(mentionMatches(people, 'ro').map((p) => p.username)).toEqual(['room']);
    expect(mentionMatches(people, 'dan').map((p) => p.username)).toEqual(['dan', 'carol']);
    const many = Array.from({ length: 20 }, (_, i) => ({ username: `user${i}`, displayName: 'U' }));
    expect(mentionMatches(many, '')).toHaveLength(8);
  });

  it('puts @username and a space in place of what was typed, the caret after it', () => {
    expect(insertMention('hi @bo', 6, 3, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
    expect(insertMention('hi @bo there', 6, 3, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
    expect(insertMention('@b', 2, 0, 'room')).toEqual({ text: '@room ', caret: 6 });
  });
});

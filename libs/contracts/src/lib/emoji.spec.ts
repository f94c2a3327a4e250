import { EMOJI, EMOJI_BY_NAME, searchEmoji } from './emoji';
import { emojiProblem } from './text';

describe('the emoji table', () => {
  it('offers only emoji a reaction accepts, each name and emoji once', () => {
    expect(EMOJI.filter((entry) => emojiProblem(entry.char) !== null).map((entry) => entry.name)).toEqual([]);
    expect(new Set(EMOJI.map((entry) => entry.name)).size).toBe(EMOJI.length);
    expect(new Set(EMOJI.map((entry) => entry.char)).size).toBe(EMOJI.length);
    expect(EMOJI.every((entry) => /^[a-z0-9_]+$/.test(entry.name))).toBe(true);
    expect(EMOJI_BY_NAME.get('thumbsup')).toBe('👍');
  });

  it('finds by the start of any word of the name or keywords, name matches first, colons ignored', () => {
    expect(searchEmoji('thumbs').map((entry) => entry.name)).toEqual(['thumbsup', 'thumbsdown']);
    expect(searchEmoji(':tada:').map((entry) => entry.char)).toEqual(['🎉']);
    const party = searchEmoji('party').map((entry) => entry.name);
    expect(party[0]).toBe('partying_face');
    expect(party).toEqual(expect.arrayContaining(['tada', 'balloon']));
    expect(searchEmoji('heart eyes').map((entry) => entry.name)).toEqual(['heart_eyes']);
    expect(searchEmoji('zzzzqx')).toEqual([]);
    // The name itself first, then a whole word of a name: what a user means by "heart" or "star".
    expect(searchEmoji('heart')[0]?.char).toBe('❤️');
    expect(searchEmoji('star')[0]?.char).toBe('⭐');
    expect(
      searchEmoji('heart')
        .slice(1, 3)
        .map((entry) => entry.name),
    ).toEqual(['heart_eyes', 'kissing_heart']);
    expect(searchEmoji('  ')).toHaveLength(EMOJI.length);
  });
});

describe('emojiProblem', () => {
  it.each(['👍', '👍🏽', '🏳️‍🌈', '🇫🇷', '1️⃣', '❤️', '👨‍👩‍👧'])('accepts %s', (emoji) => {
    expect(emojiProblem(emoji)).toBeNull();
  });

  it.each(['', 'a', ':tada:', '👍👍', '👍 ', '\u0000', '❤', '<b>'])('refuses %j', (value) => {
    expect(emojiProblem(value)).toBe('emoji must be exactly one emoji');
  });
});

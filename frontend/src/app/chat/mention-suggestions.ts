/** Someone the composer can suggest after `@`. */
export interface MentionCandidate {
  username: string;
  displayName: string;
}

/** `@room`: everyone in the room (the server expands it). */
export const ROOM_MENTION: MentionCandidate = { username: 'room', displayName: 'Everyone in this room' };

const MAX_SUGGESTIONS = 8;

/** The `@` being typed just before the caret: where it starts and what follows it; null when there is none. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?<![a-zA-Z0-9_.-])@([a-zA-Z0-9_.-]*)$/.exec(text.slice(0, caret));
  return match ? { start: match.index, query: match[1]?.toLowerCase() ?? '' } : null;
}

/** Candidates whose username, or a word of whose display name, starts with `query`; usernames first, at most 8. */
export function mentionMatches(candidates: readonly MentionCandidate[], query: string): MentionCandidate[] {
  const scored = candidates.flatMap((candidate) => {
    if (candidate.username.startsWith(query)) return [{ candidate, rank: 0 }];
    const words = candidate.displayName.toLowerCase().split(/\s+/);
    return words.some((word) => word.startsWith(query)) ? [{ candidate, rank: 1 }] : [];
  });
  return scored
    .sort((a, b) => a.rank - b.rank || a.candidate.username.localeCompare(b.candidate.username))
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.candidate);
}

/** The text with the `@query` at `start` replaced by `@username ` and where the caret goes after it. */
export function insertMention(text: string, caret: number, start: number, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  const after = text
    .slice(caret)
    .replace(/^[a-zA-Z0-9_.-]*/, '')
    .replace(/^ /, '');
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}

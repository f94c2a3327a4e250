/** Limits shared by server validation and client UI. */
export const LIMITS = {
  messageBodyMax: 4000,
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  displayNameMax: 64,
  roomNameMin: 1,
  roomNameMax: 80,
  /** A room's topic (PATCH /api/rooms/:id). */
  roomTopicMax: 250,
  /** A group DM's size, me included (POST /api/dms with userIds). */
  dmMembersMax: 8,
  clientMsgIdMax: 64,
  historyPageDefault: 50,
  historyPageMax: 100,
  syncPageDefault: 200,
  syncPageMax: 500,
  adminPageDefault: 50,
  adminPageMax: 200,
  searchQueryMax: 64,
  /** Message search (`GET /api/search`): the query's length, and its pages. */
  messageSearchQueryMax: 200,
  messageSearchPageDefault: 20,
  messageSearchPageMax: 50,
  banReasonMax: 500,
  /** Largest seq a request may name: exact in a JS number, and within PostgreSQL's bigint. */
  seqMax: Number.MAX_SAFE_INTEGER,
  /** Largest socket request (its JSON, in bytes): a 4000-character body in any script fits with room to spare. */
  socketPayloadMaxBytes: 32 * 1024,
  /**
   * Largest packet the Socket.IO transport reads. A request between socketPayloadMaxBytes and this gets a
   * PAYLOAD_TOO_LARGE ack; a larger packet makes Socket.IO close the connection (it cannot be read to answer it).
   */
  socketTransportMaxBytes: 1024 * 1024,
  /** Different emoji on one message (a reaction with one more is refused); and how many reactors a Reaction lists. */
  reactionsPerMessage: 50,
  reactionUserIdsMax: 20,
  /** `@room` mentions every member only in rooms up to this size (past it, it is plain text). */
  roomMentionMembersMax: 500,
  /** A typing indicator that is not refreshed expires after this long. */
  typingTtlMs: 6000,
} as const;

export const USERNAME_PATTERN = /^[a-z0-9_.-]+$/;

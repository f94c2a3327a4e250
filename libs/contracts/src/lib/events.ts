import type { ClientToServerEvents, ServerToClientEvents } from './socket';

/** Names of the client -> server events, for code that registers handlers by name. */
export const ClientEvent = {
  MessageSend: 'message:send',
  MessageEdit: 'message:edit',
  MessageDelete: 'message:delete',
  ReactionAdd: 'reaction:add',
  ReactionRemove: 'reaction:remove',
  RoomSync: 'room:sync',
  RoomRead: 'room:read',
  Typing: 'typing',
} as const satisfies Record<string, keyof ClientToServerEvents>;

export const ServerEvent = {
  SessionReady: 'session:ready',
  SessionClosed: 'session:closed',
  MessageNew: 'message:new',
  MessageUpdated: 'message:updated',
  MessageDeleted: 'message:deleted',
  Typing: 'typing',
  Presence: 'presence',
  RoomJoined: 'room:joined',
  RoomLeft: 'room:left',
  RoomRead: 'room:read',
  RoomArchived: 'room:archived',
  RoomMembers: 'room:members',
  UserUpdated: 'user:updated',
} as const satisfies Record<string, keyof ServerToClientEvents>;

/**
 * Who of some users is online anywhere in the fleet. Rooms needs it for members' online flags; the
 * presence module, which sits above rooms (it announces to a user's rooms), provides it.
 */
export abstract class OnlineUsers {
  abstract online(userIds: string[]): Promise<Set<string>>;
}

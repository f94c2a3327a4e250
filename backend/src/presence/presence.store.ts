/** Who is connected anywhere in the fleet. Transitions drive `presence` events. */
export abstract class PresenceStore {
  /** Records a new socket; true when the user was offline everywhere before. */
  abstract connected(userId: string): Promise<boolean>;
  /** Records a closed socket; true when the user has no socket anywhere now. */
  abstract disconnected(userId: string): Promise<boolean>;
  abstract online(userIds: string[]): Promise<Set<string>>;
  /** Users whose sockets were on pods that died; they are offline now unless connected elsewhere. */
  abstract sweep(): Promise<string[]>;
}

/** Embedded mode: one node, so a counter per user is the whole truth. */
export class MemoryPresenceStore extends PresenceStore {
  private readonly counts = new Map<string, number>();

  async connected(userId: string): Promise<boolean> {
    const count = (this.counts.get(userId) ?? 0) + 1;
    this.counts.set(userId, count);
    return count === 1;
  }

  async disconnected(userId: string): Promise<boolean> {
    const count = (this.counts.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.counts.set(userId, count);
      return false;
    }
    this.counts.delete(userId);
    return true;
  }

  async online(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.counts.has(id)));
  }

  async sweep(): Promise<string[]> {
    return [];
  }
}

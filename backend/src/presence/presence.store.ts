/**
 * Who is shown online, fleet-wide. A user is shown online from their first socket on until they have had
 * no socket anywhere for the offline grace (`PRESENCE_OFFLINE_GRACE_MS`): a reload, a network blip or a
 * pod's death followed by a reconnect elsewhere does not make them flicker offline and back, and sends
 * no `presence` events to their rooms. `online()` answers from the same state the events follow.
 */
export abstract class PresenceStore {
  /** Records a new socket; true when the user was not shown online (announce them online). */
  abstract connected(userId: string): Promise<boolean>;
  /** Records a closed socket; the user's last one starts the grace after which they go offline. */
  abstract disconnected(userId: string): Promise<void>;
  /** Users shown online among `userIds`. */
  abstract online(userIds: string[]): Promise<Set<string>>;
  /**
   * Run after every heartbeat: users of pods that died start their grace, and users whose grace is over
   * and who still have no socket anywhere stop being shown online. Returns those (announce them offline),
   * each to exactly one pod.
   */
  abstract sweep(): Promise<string[]>;
}

/** Embedded mode: one node, so counters and timestamps in memory are the whole truth. */
export class MemoryPresenceStore extends PresenceStore {
  private readonly sockets = new Map<string, number>();
  private readonly shown = new Set<string>();
  /** Users without a socket, by when their grace ends. */
  private readonly leaving = new Map<string, number>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
  }

  async connected(userId: string): Promise<boolean> {
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
    this.leaving.delete(userId);
    if (this.shown.has(userId)) return false;
    this.shown.add(userId);
    return true;
  }

  async disconnected(userId: string): Promise<void> {
    const count = (this.sockets.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return;
    }
    this.sockets.delete(userId);
    this.leaving.set(userId, this.now() + this.graceMs);
  }

  async online(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.shown.has(id)));
  }

  async sweep(): Promise<string[]> {
    const offline: string[] = [];
    const now = this.now();
    for (const [userId, until] of this.leaving) {
      if (until > now) continue;
      this.leaving.delete(userId);
      if (this.shown.delete(userId)) offline.push(userId);
    }
    return offline;
  }
}

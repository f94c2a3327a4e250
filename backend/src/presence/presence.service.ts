import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Broadcaster } from '../realtime/broadcaster';
import { RedisClients } from '../redis/redis-clients';
import { OnlineUsers } from '../rooms/online-users';
import { RoomRepository } from '../rooms/room.repository';
import { PodRegistry } from './pod-registry';
import { MemoryPresenceStore, PresenceStore } from './presence.store';
import { RedisPresenceStore } from './redis-presence.store';
import { errorSummary } from '../common/error-summary';

/**
 * Online state across pods and the `presence` events to everyone sharing a room with a user who came
 * or went (went: after the offline grace without a socket anywhere, see PresenceStore). Best-effort by
 * design: a Redis outage loses presence updates, never messages.
 */
@Injectable()
export class PresenceService implements OnlineUsers, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  private readonly store: PresenceStore;
  private readonly redisStore: RedisPresenceStore | null;

  constructor(
    redis: RedisClients,
    config: AppConfig,
    private readonly broadcaster: Broadcaster,
    private readonly rooms: RoomRepository,
    private readonly pods: PodRegistry,
  ) {
    const directory = pods.redisDirectory;
    const graceMs = config.presenceOfflineGraceMs;
    this.redisStore =
      redis.command && directory
        ? new RedisPresenceStore(redis.command, config.redisKeyPrefix, config.podId, directory.podsKey, graceMs)
        : null;
    this.store = this.redisStore ?? new MemoryPresenceStore(graceMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    const store = this.redisStore;
    if (store) await this.attempt('start', () => store.resetOwnPod());
    // After each heartbeat: users whose grace ended without a socket anywhere go offline in their rooms.
    this.pods.onBeat(async () => {
      const gone = await this.attempt('sweep', () => this.store.sweep());
      // Together, so their room lookups share queries (a dead pod may have had thousands of users).
      await Promise.all((gone ?? []).map((userId) => this.announceOffline(userId)));
    });
  }

  /** Forgets this pod's sockets while Redis is still open (it closes in the shutdown hooks after this). */
  async beforeApplicationShutdown(): Promise<void> {
    const store = this.redisStore;
    if (store) await this.attempt('shutdown', () => store.resetOwnPod());
  }

  async userConnected(userId: string, roomIds: string[]): Promise<void> {
    const cameOnline = await this.attempt('connect', () => this.store.connected(userId));
    if (cameOnline && roomIds.length) this.broadcaster.toRooms(roomIds).emit('presence', { userId, online: true });
  }

  /** The user's last socket closing starts their grace; they are announced offline after it (sweep). */
  async userDisconnected(userId: string): Promise<void> {
    await this.attempt('disconnect', () => this.store.disconnected(userId));
  }

  async online(userIds: string[]): Promise<Set<string>> {
    return (await this.attempt('lookup', () => this.store.online(userIds))) ?? new Set();
  }

  private async announceOffline(userId: string): Promise<void> {
    const roomIds = await this.attempt('rooms', () => this.rooms.roomIdsForUser(userId));
    if (roomIds?.length) this.broadcaster.toRooms(roomIds).emit('presence', { userId, online: false });
  }

  private async attempt<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      this.logger.warn(`presence ${what} failed: ${errorSummary(error)}`);
      return undefined;
    }
  }
}

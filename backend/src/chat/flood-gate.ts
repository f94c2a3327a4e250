import { ClientEvent } from '@chat/contracts';
import type { RateLimit } from '../limits/rate-limit';
import type { RateLimits } from '../limits/rate-limits';
import type { Admission } from '../realtime/realtime-io.adapter';
import type { ServerSocket } from '../realtime/socket-types';

/**
 * Turns away, before validation and the handler, the requests of a user who is past the limit of that
 * request (sends; edits, deletes and reactions), with the same RATE_LIMITED answer:
 * - a user this pod already refused for it, until that window ends;
 * - a user with as many of its requests in flight on this pod as the limit allows in a whole window
 *   (a burst arriving faster than the limit can be asked): at least that many more would be refused.
 * The handlers still take each admitted request's point from the limit; this only makes a flood past it
 * nearly free, so one user's flood does not slow the pod's other users.
 */
export function floodGate(limits: RateLimits): Admission {
  const byEvent = new Map<string, RateLimit>([
    [ClientEvent.MessageSend, limits.messageSend],
    [ClientEvent.MessageEdit, limits.messageChange],
    [ClientEvent.MessageDelete, limits.messageChange],
    [ClientEvent.ReactionAdd, limits.messageChange],
    [ClientEvent.ReactionRemove, limits.messageChange],
  ]);
  /** Admitted requests not answered yet, per limit and user. */
  const inFlight = new Map<RateLimit, Map<string, number>>([...new Set(byEvent.values())].map((limit) => [limit, new Map()]));
  const requestOf = (socket: ServerSocket, event: string) => {
    const limit = byEvent.get(event);
    const userId = socket.data.user?.id;
    return limit && userId ? { limit, userId, counts: inFlight.get(limit) ?? new Map<string, number>() } : null;
  };
  return {
    admit(socket, event) {
      const request = requestOf(socket as ServerSocket, event);
      if (!request) return null;
      const { limit, userId, counts } = request;
      const left = limit.blockedFor(userId);
      if (left > 0) return limit.refuse(left);
      const pending = counts.get(userId) ?? 0;
      if (pending >= limit.rate.points) return limit.refuse(limit.rate.windowMs);
      counts.set(userId, pending + 1);
      return null;
    },
    done(socket, event) {
      const request = requestOf(socket as ServerSocket, event);
      if (!request) return;
      const pending = (request.counts.get(request.userId) ?? 1) - 1;
      if (pending > 0) request.counts.set(request.userId, pending);
      else request.counts.delete(request.userId);
    },
  };
}

import { ClientEvent } from '@chat/contracts';
import type { RateLimit } from '../limits/rate-limit';
import type { RateLimits } from '../limits/rate-limits';
import type { Admission } from '../realtime/realtime-io.adapter';
import type { ServerSocket } from '../realtime/socket-types';

/**
 * Turns away, before validation and the handler, the requests of a user this pod already refused for
 * the limit of that request (sends; edits and deletes), with the same RATE_LIMITED answer. The handlers
 * still take each request's point from the limit; this only makes a flood past it nearly free, so one
 * user's flood does not slow the pod's other users.
 */
export function floodGate(limits: RateLimits): Admission {
  const byEvent = new Map<string, RateLimit>([
    [ClientEvent.MessageSend, limits.messageSend],
    [ClientEvent.MessageEdit, limits.messageChange],
    [ClientEvent.MessageDelete, limits.messageChange],
  ]);
  return (socket, event) => {
    const limit = byEvent.get(event);
    const userId = (socket as ServerSocket).data.user?.id;
    if (!limit || !userId) return null;
    const left = limit.blockedFor(userId);
    return left > 0 ? limit.refuse(left) : null;
  };
}

import { Counter, Registry } from 'prom-client';
import { ClientEvent } from '@chat/contracts';
import { RateLimit } from '../limits/rate-limit';
import type { RateLimits } from '../limits/rate-limits';
import type { ServerSocket } from '../realtime/socket-types';
import { floodGate } from './flood-gate';

function memoryLimit(name: string, points = 1): RateLimit {
  const refusals = new Counter({ name: `refusals_${name}`, help: 'test', labelNames: ['limit'], registers: [new Registry()] });
  return new RateLimit({ name, rate: { points, windowMs: 60_000 }, message: 'slow down', store: null, refusals });
}

const socketOf = (userId: string) => ({ data: { user: { id: userId } } }) as unknown as ServerSocket;

describe('floodGate', () => {
  it('turns away a refused user’s sends at once, and only that user and that limit’s events', async () => {
    const limits = { messageSend: memoryLimit('send'), messageChange: memoryLimit('change') } as unknown as RateLimits;
    const gate = floodGate(limits);
    const admit = (socket: ServerSocket, event: string) => {
      const refused = gate.admit(socket, event);
      if (!refused) gate.done(socket, event);
      return refused;
    };
    expect(admit(socketOf('u'), ClientEvent.MessageSend)).toBeNull();
    await limits.messageSend.attempt('u');
    await limits.messageSend.attempt('u');
    const refused = admit(socketOf('u'), ClientEvent.MessageSend);
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(admit(socketOf('u'), ClientEvent.MessageEdit)).toBeNull();
    expect(admit(socketOf('u'), ClientEvent.Typing)).toBeNull();
    expect(admit(socketOf('v'), ClientEvent.MessageSend)).toBeNull();
  });

  it('turns away a request while the user already has as many in flight as the limit allows per window', () => {
    const limits = { messageSend: memoryLimit('send3', 3), messageChange: memoryLimit('change3', 3) } as unknown as RateLimits;
    const gate = floodGate(limits);
    const u = socketOf('u');
    for (let n = 0; n < 3; n += 1) expect(gate.admit(u, ClientEvent.MessageSend)).toBeNull();
    const refused = gate.admit(u, ClientEvent.MessageSend);
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.retryAfterMs).toBe(60_000);
    // Other users, and this user's other limits, are not affected.
    expect(gate.admit(socketOf('v'), ClientEvent.MessageSend)).toBeNull();
    expect(gate.admit(u, ClientEvent.MessageEdit)).toBeNull();
    // One answered: one more may go.
    gate.done(u, ClientEvent.MessageSend);
    expect(gate.admit(u, ClientEvent.MessageSend)).toBeNull();
    expect(gate.admit(u, ClientEvent.MessageSend)?.code).toBe('RATE_LIMITED');
  });
});

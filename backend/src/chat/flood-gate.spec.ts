import { Counter, Registry } from 'prom-client';
import { ClientEvent } from '@chat/contracts';
import { RateLimit } from '../limits/rate-limit';
import type { RateLimits } from '../limits/rate-limits';
import type { ServerSocket } from '../realtime/socket-types';
import { floodGate } from './flood-gate';

function memoryLimit(name: string): RateLimit {
  const refusals = new Counter({ name: `refusals_${name}`, help: 'test', labelNames: ['limit'], registers: [new Registry()] });
  return new RateLimit({ name, rate: { points: 1, windowMs: 60_000 }, message: 'slow down', store: null, refusals });
}

const socketOf = (userId: string) => ({ data: { user: { id: userId } } }) as unknown as ServerSocket;

describe('floodGate', () => {
  it('turns away a refused user’s sends at once, and only that user and that limit’s events', async () => {
    const limits = { messageSend: memoryLimit('send'), messageChange: memoryLimit('change') } as unknown as RateLimits;
    const admit = floodGate(limits);
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
});

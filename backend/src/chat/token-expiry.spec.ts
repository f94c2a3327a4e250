import type { Broadcaster } from '../realtime/broadcaster';
import type { ServerSocket } from '../realtime/socket-types';
import { TokenExpiry, expiredSockets } from './token-expiry';

function socket(expiresAtMs: number) {
  return { data: { expiresAtMs }, emit: jest.fn(), disconnect: jest.fn() };
}

describe('expiredSockets', () => {
  it('picks the sockets whose token expired at or before now', () => {
    const [early, exact, late] = [socket(900), socket(1000), socket(1001)];
    expect(expiredSockets([early, exact, late] as unknown as ServerSocket[], 1000)).toEqual([early, exact]);
  });
});

describe('TokenExpiry', () => {
  it('tells expired sockets why and closes them, leaving the others', () => {
    const [expired, live] = [socket(10), socket(10_000)];
    const broadcaster = { localSockets: () => [expired, live] } as unknown as Broadcaster;
    new TokenExpiry(broadcaster).sweep(5_000);
    expect(expired.emit).toHaveBeenCalledWith('session:closed', expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
    expect(expired.disconnect).toHaveBeenCalledWith(true);
    expect(live.emit).not.toHaveBeenCalled();
    expect(live.disconnect).not.toHaveBeenCalled();
  });
});

import { AppConfig } from '../config/app-config';
import { Broadcaster, ChatSocket } from '../realtime/broadcaster';
import { SlowConsumerGuard } from './slow-consumer.guard';

function fakeSocket(packets: number, bytes: number): ChatSocket & { closed: boolean } {
  const socket = {
    id: `s-${packets}-${bytes}`,
    closed: false,
    conn: {
      writeBuffer: new Array(packets).fill({}),
      transport: {
        socket: {
          bufferedAmount: bytes,
          terminate: () => {
            socket.closed = true;
          },
        },
      },
      close: () => undefined,
    },
  };
  return socket as unknown as ChatSocket & { closed: boolean };
}

describe('SlowConsumerGuard', () => {
  it('disconnects only the sockets whose backlog passed a cap', () => {
    const healthy = fakeSocket(10, 1_000);
    const tooManyPackets = fakeSocket(6_000, 0);
    const tooManyBytes = fakeSocket(0, 5 * 1024 * 1024);
    const broadcaster = { localSockets: () => [healthy, tooManyPackets, tooManyBytes] } as unknown as Broadcaster;
    const config = { socketBacklog: { maxBytes: 4 * 1024 * 1024, maxPackets: 5_000 } } as AppConfig;
    const guard = new SlowConsumerGuard(broadcaster, config);
    expect(guard.check()).toBe(2);
    expect([healthy.closed, tooManyPackets.closed, tooManyBytes.closed]).toEqual([false, true, true]);
  });
});

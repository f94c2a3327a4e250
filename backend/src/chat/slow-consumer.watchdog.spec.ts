import { AppConfig } from '../config/app-config';
import { Broadcaster } from '../realtime/broadcaster';
import { ServerSocket } from '../realtime/socket-types';
import { SlowConsumerWatchdog } from './slow-consumer.watchdog';

function fakeSocket(packets: number, bytes: number): ServerSocket & { closed: boolean } {
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
  return socket as unknown as ServerSocket & { closed: boolean };
}

describe('SlowConsumerWatchdog', () => {
  it('disconnects only the sockets whose backlog passed a cap', () => {
    const healthy = fakeSocket(10, 1_000);
    const tooManyPackets = fakeSocket(6_000, 0);
    const tooManyBytes = fakeSocket(0, 5 * 1024 * 1024);
    const broadcaster = { localSockets: () => [healthy, tooManyPackets, tooManyBytes] } as unknown as Broadcaster;
    const config = { socketBacklog: { maxBytes: 4 * 1024 * 1024, maxPackets: 5_000 } } as AppConfig;
    const watchdog = new SlowConsumerWatchdog(broadcaster, config);
    expect(watchdog.check()).toBe(2);
    expect([healthy.closed, tooManyPackets.closed, tooManyBytes.closed]).toEqual([false, true, true]);
  });
});

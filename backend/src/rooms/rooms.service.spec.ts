import { ErrorCode } from '@chat/contracts';
import { Broadcaster } from '../realtime/broadcaster';
import { UserRepository } from '../users/user.repository';
import { OnlineUsers } from './online-users';
import { RoomRepository } from './room.repository';
import { RoomsService } from './rooms.service';

describe('RoomsService.markRead', () => {
  function setUp(mark: number | null, roomExists: boolean) {
    const emitted: { except: string; event: string; payload: unknown }[] = [];
    const rooms = {
      markRead: jest.fn(async () => mark),
      findRoom: jest.fn(async () => (roomExists ? { id: 'room-1' } : null)),
    } as unknown as RoomRepository;
    const broadcaster = {
      toUser: () => ({
        except: (except: string) => ({ emit: (event: string, payload: unknown) => emitted.push({ except, event, payload }) }),
      }),
    } as unknown as Broadcaster;
    const service = new RoomsService(rooms, {} as UserRepository, broadcaster, {} as OnlineUsers);
    return { service, rooms, emitted };
  }

  it('stores the mark and tells the user’s other sockets the stored value', async () => {
    const { service, rooms, emitted } = setUp(7, true);
    await service.markRead('user-1', 'room-1', 9, 'socket-1');
    expect(rooms.markRead).toHaveBeenCalledWith('room-1', 'user-1', 9);
    expect(emitted).toEqual([{ except: 'socket-1', event: 'room:read', payload: { roomId: 'room-1', seq: 7 } }]);
  });

  it('refuses a non-member with FORBIDDEN and a missing room with NOT_FOUND, telling nobody', async () => {
    const notMember = setUp(null, true);
    await expect(notMember.service.markRead('user-1', 'room-1', 1, 's')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    const missing = setUp(null, false);
    await expect(missing.service.markRead('user-1', 'room-1', 1, 's')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect([...notMember.emitted, ...missing.emitted]).toEqual([]);
  });
});

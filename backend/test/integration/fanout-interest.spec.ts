import { useFreshCluster } from '@chat/test-harness';
import { addMember, createRoom, range, send } from '../support/chat';
import { Api, registerUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';

/** chat_fanout_received_total by channel, and chat_messages_delivered_total, of one pod. */
async function fanout(baseUrl: string): Promise<{ room: number; user: number; delivered: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    room: value(/^chat_fanout_received_total\{channel="room"\} (\S+)$/m),
    user: value(/^chat_fanout_received_total\{channel="user"\} (\S+)$/m),
    delivered: value(/^chat_messages_delivered_total (\S+)$/m),
  };
}

/**
 * Interest-based fan-out (sharded Redis adapter, dynamic subscriptions): a pod receives a room's events
 * from Redis only while one of its sockets is in that room, and counts what it received and delivered.
 */
describe('fan-out by interest across three pods', () => {
  const cluster = useFreshCluster({ pods: 3 });
  const clients: ChatClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
  });

  it('sends a room’s events only to the pods hosting its members, and follows a new member to another pod', async () => {
    const [a, b, c] = cluster().pods.map((pod) => new Api(pod.baseUrl));
    if (!a || !b || !c) throw new Error('three pods expected');
    const [alice, bob, carol] = [await registerUser(a, 'fa'), await registerUser(a, 'fb'), await registerUser(a, 'fc')];
    const room = await createRoom(a, alice, 'private');
    await addMember(a, alice, room.id, bob.user.id);
    // Alice and bob both on pod A; carol (not a member) on pod C; pod B hosts nobody.
    const aliceSocket = await connectClient(a.baseUrl, alice.token, 'alice@A');
    const bobSocket = await connectClient(a.baseUrl, bob.token, 'bob@A');
    const carolSocket = await connectClient(c.baseUrl, carol.token, 'carol@C');
    clients.push(aliceSocket, bobSocket, carolSocket);

    const before = await Promise.all([a, b, c].map((api) => fanout(api.baseUrl)));
    for (const i of range(1, 10)) await send(aliceSocket, room.id, `interest ${i}`);
    await bobSocket.waitForCount('message:new', 10);
    const after = await Promise.all([a, b, c].map((api) => fanout(api.baseUrl)));
    const delta = after.map((now, i) => ({
      room: now.room - (before[i]?.room ?? 0),
      delivered: now.delivered - (before[i]?.delivered ?? 0),
    }));
    // Pod A hears its own room's events back (it is subscribed) and delivers each to alice and bob.
    expect(delta[0]).toEqual({ room: 10, delivered: 20 });
    // Pods B and C host no member: nothing of the room reaches them.
    expect(delta[1]).toEqual({ room: 0, delivered: 0 });
    expect(delta[2]).toEqual({ room: 0, delivered: 0 });

    // Carol joins on pod C: membership goes over the shared channel, and pod C subscribes to the room.
    await addMember(a, alice, room.id, carol.user.id);
    await carolSocket.waitFor('room:joined', (event) => event.room.id === room.id);
    const beforeC = await fanout(c.baseUrl);
    await send(aliceSocket, room.id, 'now carol hears it');
    const heard = await carolSocket.waitFor('message:new', (event) => event.message.body === 'now carol hears it');
    expect(heard.message.roomId).toBe(room.id);
    const afterC = await fanout(c.baseUrl);
    expect(afterC.room - beforeC.room).toBe(1);
    expect(afterC.delivered - beforeC.delivered).toBe(1);
    const podB = await fanout(b.baseUrl);
    expect(podB.room - (after[1]?.room ?? 0)).toBe(0);
  });
});

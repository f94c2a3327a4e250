import type { Namespace } from 'socket.io';

type Adapter = Namespace['adapter'];

interface AdapterInternals {
  _encode(packet: { data?: unknown[] }, options: unknown): unknown;
  apply(options: unknown, callback: (socket: unknown) => void): void;
}

/**
 * Counts the sockets of this pod that each broadcast of `event` reaches, with no listener per socket.
 * Every broadcast, local or arriving from another pod, ends in the in-memory adapter's `broadcast`, which
 * encodes the packet once (`_encode`) and then writes it to each matching socket (`apply`); the two are
 * wrapped on this adapter instance. `delivery-counter.spec.ts` pins that behaviour of socket.io-adapter.
 */
export function countBroadcastDeliveries(adapter: Adapter, event: string, delivered: (sockets: number) => void): void {
  const internals = adapter as unknown as AdapterInternals;
  const encode = internals._encode.bind(adapter);
  const apply = internals.apply.bind(adapter);
  let counting = false;
  internals._encode = (packet, options) => {
    counting = packet.data?.[0] === event;
    return encode(packet, options);
  };
  internals.apply = (options, callback) => {
    if (!counting) return apply(options, callback);
    counting = false;
    let sockets = 0;
    apply(options, (socket) => {
      sockets += 1;
      callback(socket);
    });
    delivered(sockets);
  };
}

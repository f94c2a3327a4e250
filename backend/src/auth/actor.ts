import type { User } from '@chat/contracts';

/**
 * Who is acting: the authenticated user of a request or socket, as the contract's `User` (what
 * `session:ready` and `GET /api/auth/me` send). Enough to apply every rule without another lookup;
 * the guard and the socket handshake build it from the stored account once.
 */
export type Actor = Readonly<User>;

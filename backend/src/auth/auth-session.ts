import type { Actor } from './actor';

/** An authenticated bearer token: who it stands for, which token it is, and until when it is valid. */
export interface AuthSession {
  actor: Actor;
  /** The token's `jti`: what a logout revokes and what its sockets are found by. */
  tokenId: string;
  /** The token's `exp`, in milliseconds. */
  expiresAtMs: number;
}

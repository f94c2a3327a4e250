import { scryptSync } from 'node:crypto';

/** One scrypt derivation, as PasswordHasher's worker threads run it (see PasswordHasher). */
export interface ScryptTask {
  password: string;
  salt: Uint8Array;
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** 256 MiB: room for N up to 2^17 at r = 8, so stored hashes with raised parameters stay verifiable. */
const MAX_MEMORY = 256 * 1024 * 1024;

export default function derive({ password, salt, N, r, p, keyLength }: ScryptTask): Uint8Array {
  return scryptSync(password, salt, keyLength, { N, r, p, maxmem: MAX_MEMORY });
}

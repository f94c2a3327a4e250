import { ValueTransformer } from 'typeorm';

/** pg returns bigint as text; seqs stay far below 2^53, so numbers are exact. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

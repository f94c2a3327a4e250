import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RoomKind, RoomVisibility } from '@chat/contracts';
import { bigintNumber } from '../database/bigint-number';

@Entity({ name: 'rooms' })
export class RoomEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RoomKind;

  @Column({ type: 'varchar', length: 16 })
  visibility!: RoomVisibility;

  /** DMs only: the two user ids, sorted and joined, so a pair has exactly one room. */
  @Column({ name: 'dm_key', type: 'text', nullable: true, unique: true })
  dmKey!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Seq of the newest timeline event; the next event gets last_seq + 1 under this row's lock. */
  @Column({ name: 'last_seq', type: 'bigint', default: 0, transformer: bigintNumber })
  lastSeq!: number;

  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt!: Date | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;
}

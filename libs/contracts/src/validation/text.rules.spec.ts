import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LIMITS } from '../lib/limits';
import { BanRequest } from './admin.dto';
import { CreateRoomRequest, HistoryQuery, LoginRequest, RegisterRequest, UserSearchQuery } from './rest.dto';
import { ReadRequest, SendMessageRequest, SyncRequest } from './socket.dto';

const roomId = '6f1d2b4e-8a0b-4c1e-9f57-3b8e2f0c1a2d';

/** The names of the fields that failed, with their messages. */
function failures<T extends object>(
  type: new () => T,
  value: object,
): Partial<Record<'name' | 'displayName' | 'password', string>> & Record<string, string> {
  const errors = validateSync(plainToInstance(type, value), { whitelist: true, forbidUnknownValues: true });
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {}).join('; ')]));
}

describe('contract DTO character rules', () => {
  it('refuse NUL in every text field, naming it', () => {
    expect(Object.keys(failures(SendMessageRequest, { roomId, clientMsgId: 'c1', body: 'a\u0000b' }))).toEqual(['body']);
    expect(Object.keys(failures(SendMessageRequest, { roomId, clientMsgId: 'c\u00001', body: 'ok' }))).toEqual(['clientMsgId']);
    expect(Object.keys(failures(CreateRoomRequest, { name: 'r\u0000', visibility: 'public' }))).toEqual(['name']);
    expect(Object.keys(failures(LoginRequest, { username: 'a\u0000', password: 'whatever-pw' }))).toEqual(['username']);
    expect(Object.keys(failures(UserSearchQuery, { query: 'x\u0000' }))).toEqual(['query']);
    expect(Object.keys(failures(BanRequest, { reason: 'spam\u0000' }))).toEqual(['reason']);
    expect(failures(BanRequest, { reason: 'spam\nand more spam' })).toEqual({});
  });

  it('refuse bidi controls and impersonation in names', () => {
    expect(failures(CreateRoomRequest, { name: '\u202Egnp.exe', visibility: 'public' }).name).toMatch(/bidirectional/);
    const register = { username: 'mallory', password: 'correct horse battery' };
    expect(failures(RegisterRequest, { ...register, displayName: 'Administrator' }).displayName).toMatch(/reserved/);
    expect(failures(RegisterRequest, { ...register, displayName: 'x\u2066y' }).displayName).toMatch(/bidirectional/);
    expect(failures(RegisterRequest, { ...register, displayName: 'Mallory' })).toEqual({});
  });

  it('apply the password policy against the username of the same request', () => {
    expect(failures(RegisterRequest, { username: 'mallory', password: 'password' }).password).toMatch(/common/);
    expect(failures(RegisterRequest, { username: 'mallory', password: 'mallory-password' }).password).toMatch(/username/);
    expect(failures(RegisterRequest, { username: 'mallory', password: ' '.repeat(8) }).password).toMatch(/guess/);
  });

  it('bound seqs to what a column and a JS number hold', () => {
    expect(Object.keys(failures(HistoryQuery, { before: 1e23 }))).toEqual(['before']);
    expect(Object.keys(failures(SyncRequest, { roomId, afterSeq: 1e19 }))).toEqual(['afterSeq']);
    expect(Object.keys(failures(ReadRequest, { roomId, seq: 2 ** 63 }))).toEqual(['seq']);
    expect(failures(ReadRequest, { roomId, seq: LIMITS.seqMax })).toEqual({});
  });
});

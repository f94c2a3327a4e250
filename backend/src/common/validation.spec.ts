import { RegisterRequest, SendMessageRequest, SyncRequest } from '@chat/contracts/validation';
import { AppError } from './app-error';
import { validatePayload } from './validation';
import { ContractValidationPipe } from './validation.pipe';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('validatePayload', () => {
  it('accepts a valid payload and drops unknown properties', () => {
    const value = validatePayload(SendMessageRequest, {
      roomId: '6f1d2b4e-8a0b-4c1e-9f57-3b8e2f0c1a2d',
      clientMsgId: 'c-1',
      body: 'hi',
      extra: 'dropped',
    });
    expect(value).toBeInstanceOf(SendMessageRequest);
    expect(value).not.toHaveProperty('extra');
  });

  it.each([['a string'], [42], [null], [[1, 2]]])('refuses a non-object payload (%p)', (payload) => {
    const error = failure(() => validatePayload(SendMessageRequest, payload));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([{ field: 'payload', message: 'payload must be a JSON object' }]);
  });

  it('names each failed field', () => {
    const error = failure(() => validatePayload(SendMessageRequest, { roomId: 'nope', body: 3 }));
    const fields = new Set(error.fields?.map((f) => f.field));
    expect(fields).toEqual(new Set(['roomId', 'clientMsgId', 'body']));
    expect(error.message).toContain('roomId');
  });

  it('converts query strings to numbers only when asked', () => {
    const roomId = '6f1d2b4e-8a0b-4c1e-9f57-3b8e2f0c1a2d';
    expect(validatePayload(SyncRequest, { roomId, afterSeq: '5' }, true).afterSeq).toBe(5);
    expect(failure(() => validatePayload(SyncRequest, { roomId, afterSeq: '5' })).fields?.[0].field).toBe('afterSeq');
  });

  it('applies the username rule of the contract', () => {
    const error = failure(() => validatePayload(RegisterRequest, { username: 'Bad Name', password: 'longenough' }));
    expect(error.fields?.map((f) => f.field)).toContain('username');
  });
});

describe('ContractValidationPipe', () => {
  const pipe = new ContractValidationPipe();

  it('validates a DTO-typed body and a socket payload (Nest passes the payload kind as a number)', () => {
    expect(failure(() => pipe.transform({ roomId: 'x' }, { type: 'body', metatype: SendMessageRequest })).code).toBe('VALIDATION_FAILED');
    expect(failure(() => pipe.transform({}, { type: 3 as unknown as 'body', metatype: SyncRequest })).code).toBe('VALIDATION_FAILED');
  });

  it('refuses a whole body or query typed with an interface (metatype Object) instead of passing it unvalidated', () => {
    expect(() => pipe.transform({ anything: 1 }, { type: 'body', metatype: Object })).toThrow(/DTO class/);
    expect(() => pipe.transform({}, { type: 'query', metatype: undefined })).toThrow(/DTO class/);
  });

  it('leaves route params, custom decorators and single named values alone', () => {
    expect(pipe.transform('abc', { type: 'param', metatype: String, data: 'id' })).toBe('abc');
    expect(pipe.transform({ id: 'u' }, { type: 'custom', metatype: Object })).toEqual({ id: 'u' });
    expect(pipe.transform('5', { type: 'query', metatype: String, data: 'before' })).toBe('5');
  });
});

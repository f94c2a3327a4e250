import 'reflect-metadata';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { FieldError } from '@chat/contracts';
import { AppError } from './app-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Turns an untrusted payload into a validated instance of `type`, or throws VALIDATION_FAILED naming
 * each failed field. Unknown properties are dropped. Shared by the REST pipe and the socket pipe.
 */
export function validatePayload<T extends object>(type: ClassConstructor<T>, value: unknown, convert = false): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw AppError.validation([{ field: 'payload', message: 'payload must be a JSON object' }]);
  }
  const instance = plainToInstance(type, value, { enableImplicitConversion: convert });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) throw AppError.validation(flatten(errors));
  return instance;
}

import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error';

/** A route parameter that must be a UUID; anything else is VALIDATION_FAILED naming the parameter. */
export const UuidParam = (name: string) =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => AppError.validation([{ field: name, message: `${name} must be a UUID` }]) }));

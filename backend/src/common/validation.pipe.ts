import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { validatePayload } from './validation';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];
/** Nest's numeric param type of `@MessageBody()` (WsParamtype.PAYLOAD); sockets pass numbers, HTTP strings. */
const WS_PAYLOAD = 3;
const VALIDATED_KINDS: unknown[] = ['body', 'query', WS_PAYLOAD];

/**
 * Validates DTO-typed parameters (bodies, queries, socket payloads) with the contract's classes.
 * Errors are AppErrors, so REST answers 400 and sockets answer an error ack rather than "Internal server error".
 */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    const kind: unknown = metadata.type;
    if (!type || PRIMITIVES.includes(type) || !VALIDATED_KINDS.includes(kind)) return value;
    // Query strings arrive as text: convert numbers by the DTO's declared types.
    return validatePayload(type as new () => object, value ?? {}, metadata.type === 'query');
  }
}

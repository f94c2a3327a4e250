import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { validatePayload } from './validation';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];
/** Nest's numeric param type of `@MessageBody()` (WsParamtype.PAYLOAD); sockets pass numbers, HTTP strings. */
const WS_PAYLOAD = 3;
const VALIDATED_KINDS: unknown[] = ['body', 'query', WS_PAYLOAD];

/**
 * Validates DTO-typed parameters (bodies, queries, socket payloads) with the contract's classes, and
 * refuses to run a handler whose whole body, query or payload is not typed with one.
 * Errors are AppErrors, so REST answers 400 and sockets answer an error ack rather than "Internal server error".
 */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    const kind: unknown = metadata.type;
    if (!VALIDATED_KINDS.includes(kind)) return value;
    // A whole body, query or payload typed with an interface (metatype Object) would pass unvalidated:
    // refuse loudly instead, so the first test of such a route shows the mistake.
    if (metadata.data === undefined && (!type || type === Object)) {
      throw new Error(
        `An unvalidated ${String(kind)} parameter: type it with a DTO class from @chat/contracts/validation, not an interface`,
      );
    }
    if (!type || PRIMITIVES.includes(type)) return value;
    // Query strings arrive as text: convert numbers by the DTO's declared types.
    return validatePayload(type as new () => object, value ?? {}, metadata.type === 'query');
  }
}

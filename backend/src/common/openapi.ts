import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { NextFunction, Request, Response } from 'express';
import { ERROR_HTTP_STATUS, ErrorCode } from '@chat/contracts';
import { allowInlineStylesOfPage } from './content-security-policy';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.values(ErrorCode) },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

function errorResponse(code: ErrorCode, description: string) {
  return [
    String(ERROR_HTTP_STATUS[code]),
    { description: `${code}: ${description}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
  ] as const;
}

/**
 * Request schemas from the contract DTOs' class-validator rules (the contracts lib carries no Swagger
 * decorators), replacing the empty placeholders Swagger creates for them.
 */
function withDtoSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }) as Record<string, object>;
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...schemas } };
  return document;
}

/** Errors of particular operations, beyond those every operation of its kind has. */
const OPERATION_ERRORS: Record<string, [ErrorCode, string][]> = {
  'post /api/auth/login': [
    ['UNAUTHORIZED', 'wrong username or password'],
    ['FORBIDDEN', 'the account is banned'],
    ['RATE_LIMITED', 'too many failed logins for this username; see Retry-After'],
  ],
  'post /api/auth/register': [['CONFLICT', 'the username is taken']],
};

/** Path parameters are ids, and ids are UUIDs. */
function withUuidPathParameters(operation: { parameters?: unknown[] }): void {
  for (const parameter of operation.parameters ?? []) {
    const param = parameter as { in?: string; schema?: Record<string, unknown> };
    if (param.in === 'path') param.schema = { ...param.schema, type: 'string', format: 'uuid' };
  }
}

/** Adds the contract's error responses to every operation: which ones depend on auth and path ids. */
function withErrors(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ErrorBody: ERROR_SCHEMA } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries({
      get: item.get,
      post: item.post,
      put: item.put,
      patch: item.patch,
      delete: item.delete,
    })) {
      if (!operation) continue;
      withUuidPathParameters(operation);
      const errors = [errorResponse('VALIDATION_FAILED', 'a field failed its rule'), errorResponse('UNAVAILABLE', 'a dependency is down')];
      if (operation.security?.length) {
        errors.push(errorResponse('UNAUTHORIZED', 'missing, invalid or revoked token'));
        errors.push(errorResponse('FORBIDDEN', 'not allowed for this user'));
      }
      if (path.includes('{')) errors.push(errorResponse('NOT_FOUND', 'no such resource'));
      for (const [code, description] of OPERATION_ERRORS[`${method} ${path}`] ?? []) errors.push(errorResponse(code, description));
      errors.push(errorResponse('INTERNAL', 'unexpected error'));
      operation.responses = { ...Object.fromEntries(errors), ...operation.responses };
    }
  }
  return document;
}

/** OpenAPI document at /api/docs-json and its UI at /api/docs, generated from controllers and contract DTOs. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Chat API')
    .setDescription('REST surface of the chat service. Real-time events are documented in docs/protocol.md.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = withErrors(withDtoSchemas(SwaggerModule.createDocument(app, config)));
  // Swagger UI's page has fixed inline <style> blocks and a style attribute: allowed by their hashes.
  // BaseLayout leaves out the top bar (a URL box Nest hides anyway) whose logo adds a <style> at run time.
  app.use('/api/docs', (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/') allowInlineStylesOfPage(res);
    next();
  });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', swaggerOptions: { layout: 'BaseLayout' } });
}

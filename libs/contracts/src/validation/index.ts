// The class-validator DTOs, for the server only. Each class implements the interface of the same
// name in `@chat/contracts`; browsers import that entry alone, so class-validator stays out of them.
// Class names are kept equal to the interface names: the OpenAPI schemas are named after them.
export * from './admin.dto';
export * from './rest.dto';
export * from './socket.dto';

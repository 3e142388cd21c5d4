export { buildOpenApi } from './openapi';
export { docsRouter, openApiRouter } from './openapi.router';
export { OPERATIONS, OPERATION_LIST, type OperationName } from './operations';

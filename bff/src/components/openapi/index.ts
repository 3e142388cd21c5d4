export { buildOpenApi, openApiRouter } from './openapi';

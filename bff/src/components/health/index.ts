export { healthRouter } from './health.router';

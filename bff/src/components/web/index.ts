export { webApp } from './web.middleware';

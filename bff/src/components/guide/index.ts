export { guideRouter } from './guide.router';

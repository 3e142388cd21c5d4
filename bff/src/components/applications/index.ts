export { applicationsRouter } from './applications.router';
export { createApplicationsRepository, type ApplicationsRepository } from './applications.repository';
export { createApplicationsService, type ApplicationsService } from './applications.service';
export { createSweeper } from './applications.sweeper';

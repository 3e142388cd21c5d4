export { adminRouter, tasksRouter } from './tasks.router';
export { createTasksService, type TasksService } from './tasks.service';
export { TASK_VIEWS } from './task.views';

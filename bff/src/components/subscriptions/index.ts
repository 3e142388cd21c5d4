// Subscribe-message credits: what parents accepted in the WeChat / Alipay prompts, spent one per push.
export { createSubscriptionsStore, type SubscriptionsStore, type TakenCredit } from './subscriptions.store';
export { subscriptionsRouter, type SubscriptionsRouterDeps } from './subscriptions.router';
export { knownTemplateIds, pushTemplateIdsFromConfig, type PushTemplateIds } from './push-templates';

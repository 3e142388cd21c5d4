export { webApp, inlineScriptHashes, CACHE_IMMUTABLE, CACHE_REVALIDATE } from './web.middleware';

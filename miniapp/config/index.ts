import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import type { IMiniAppConfig } from '@tarojs/taro/types/compile';
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin';
import webpack, { type Compiler } from 'webpack';
import devConfig from './dev';
import prodConfig from './prod';

type Platform = 'h5' | 'weapp' | 'alipay';

const PLATFORM = (process.env.TARO_ENV ?? 'h5') as Platform;

/**
 * `@birth/shared` is TypeScript source (no build step). Through the workspace symlink webpack sees it
 * at its real path, outside src/ and outside node_modules, so Taro's loaders must be told to compile it.
 */
const SHARED_SRC = path.resolve(__dirname, '..', '..', 'shared', 'src');

/**
 * Where the app sends API calls, fixed at build time. H5 is served by the BFF itself, so the same
 * origin ('') is right; mini programs have no origin of their own and need the BFF's https origin
 * registered as a legal request domain in the WeChat / Alipay consoles.
 * Override with `API_BASE=https://… npm run build:weapp -w miniapp`.
 */
function apiBase(platform: Platform): string {
  const fromEnv = process.env.API_BASE;
  if (fromEnv !== undefined) return fromEnv.replace(/\/+$/, '');
  if (platform === 'h5') return '';
  // Good for the developer tools with domain checks switched off; real releases must set API_BASE.
  return 'http://127.0.0.1:3000';
}

/**
 * Shared webpack tweaks for every platform. `shared/` is pure (no I/O, nothing done at import time), so
 * its modules are marked side-effect free: webpack then drops what a page does not use (zod schemas,
 * the holiday calendar) instead of bundling all of `@birth/shared` behind its index re-exports.
 */
type Chain = Parameters<NonNullable<IMiniAppConfig['webpackChain']>>[0];

function webpackChain(chain: Chain): void {
  chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin);
  const rule = chain.module.rule('shared-side-effects').test(/\.ts$/).include.add(SHARED_SRC).end();
  // webpack-chain 6 supports Rule.sideEffects at run time; its type declarations just miss it.
  (rule as unknown as { sideEffects(value: boolean): unknown }).sideEffects(false);
}

const SRC = path.resolve(__dirname, '..', 'src');

/**
 * H5 loads a page's chunks only once app.js has run, a round trip and a download after it. This plugin
 * writes into index.html, for each page, the files of its chunks, and a few lines that preload those of the
 * page in the address (hash route) at once, so they download while app.js does.
 */
class RoutePreloadPlugin {
  apply(compiler: Compiler): void {
    compiler.hooks.thisCompilation.tap('RoutePreloadPlugin', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'RoutePreloadPlugin', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT },
        () => {
          const html = compilation.getAsset('index.html');
          if (!html) return;
          const routes: Record<string, string[]> = {};
          for (const group of compilation.chunkGroups) {
            if (group.isInitial()) continue;
            for (const chunk of group.chunks) {
              for (const module of compilation.chunkGraph.getChunkModulesIterable(chunk)) {
                const root = (module as { rootModule?: { resource?: string } }).rootModule ?? module;
                const resource = (root as { resource?: string }).resource;
                const match = resource && /^(.*)\/index\.tsx$/.exec(path.relative(SRC, resource));
                if (!match || !/^(pages|form)\//.test(match[1])) continue;
                const files = group.chunks.flatMap((c) => [...c.files]).filter((f) => /\.(js|css)$/.test(f));
                routes[`/${match[1]}/index`] = [...new Set(files)];
              }
            }
          }
          const publicPath = typeof compilation.outputOptions.publicPath === 'string' ? compilation.outputOptions.publicPath : '';
          const script =
            `<script>(function(m,p){var r=location.hash.replace(/^#/,'').split('?')[0];` +
            `if(!r||r==='/')r='/pages/index/index';(m[r]||[]).forEach(function(f){var l=document.createElement('link');` +
            `l.rel='preload';l.as=/\\.css$/.test(f)?'style':'script';l.href=p+f;document.head.appendChild(l);});})` +
            `(${JSON.stringify(routes)},${JSON.stringify(publicPath === 'auto' ? '' : publicPath)});</script>`;
          const source = html.source.source().toString().replace('</head>', `${script}</head>`);
          compilation.updateAsset('index.html', new webpack.sources.RawSource(source));
        },
      );
    });
  }
}

/**
 * H5 pages are lazy chunks, and Taro splits only the initial chunks (`chunks: 'initial'`), so what two
 * pages share — the form code of 填写申请 and 更正, NutUI's button and its CSS — was copied into each page
 * chunk. This group moves what two or more page chunks use into chunks of their own (per set of pages that
 * share it), so a page loads only what it uses and what pages share is downloaded and cached once.
 */
function h5WebpackChain(chain: Chain): void {
  webpackChain(chain);
  chain.plugin('route-preload').use(RoutePreloadPlugin);
  const split = (chain.optimization.get('splitChunks') ?? {}) as { cacheGroups?: Record<string, unknown> };
  chain.optimization.splitChunks({
    ...split,
    cacheGroups: {
      ...split.cacheGroups,
      // Each request costs a round trip on a phone network, and the browser opens 6 connections at a time:
      // small shared scripts stay copied in the pages (the form pages load 4 chunks, the others 2). Shared
      // CSS (NutUI's button, ~22 KB) is split at a lower size, or it would be copied into every page again.
      sharedByPages: {
        chunks: 'async',
        minChunks: 2,
        minSize: { javascript: 30_000, 'css/mini-extract': 4_000 },
        maxAsyncRequests: 3,
        priority: 5,
        reuseExistingChunk: true,
      },
    },
  } as never);
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'birth-one-thing',
    date: '2025-1-1',
    // NutUI React Taro is drawn at 375 wide; using the same width everywhere keeps px values comparable.
    designWidth: 375,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${PLATFORM}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase(PLATFORM)),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: {
      type: 'webpack5',
      // Prebundling NutUI whole makes dev builds ~3.5 MB; let webpack tree-shake it instead.
      // Prebundling is off altogether: Taro 4.2.1's prebundler passes `resolve.roots` as a string, which
      // enhanced-resolve 5.27 (what webpack 5.91 pulls in here) crashes on, so every watch build printed a
      // stack trace and skipped it anyway. Re-enable once one of the two is fixed; keep the exclusions.
      prebundle: { enable: false, exclude: ['@nutui/nutui-react-taro', '@nutui/icons-react-taro'] },
    },
    cache: { enable: false },
    mini: {
      compile: { include: [SHARED_SRC] },
      // (Taro's default, stated here on purpose) what only the form subpackage's pages use — the form code
      // of 填写申请, 更正 and 评价, zod and the region list — goes to form/sub-vendors.js once, not into
      // the main package or each page.
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
      webpackChain,
    },
    h5: {
      // The BFF serves the build at '/'. A host that mounts it under a sub-path (an 浙里办 IRS package)
      // can build with H5_PUBLIC_PATH=./ ; hash routing keeps working there.
      publicPath: process.env.H5_PUBLIC_PATH ?? '/',
      staticDirectory: 'static',
      // Hash routes need no server rewrite and survive being mounted under any path (浙里办 micro-apps).
      router: { mode: 'hash' },
      compile: { include: [SHARED_SRC] },
      output: {
        filename: 'js/[name].[hash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
      webpackChain: h5WebpackChain,
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});

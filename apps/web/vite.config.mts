import { defineConfig } from 'vite';

/**
 * No React plugin: oxc compiles JSX with React's automatic runtime, which is all this app needs
 * (fast refresh is a nicety we trade for one dependency less).
 */
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    // `npm start` (or `npm run start:api`) listens on 8080; the page talks to it same-origin.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // lucide-react marks its context module "use client" for React Server Components; a
      // client-only bundle has nothing to preserve, so the warning is noise.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});

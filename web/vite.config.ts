// Vite builds the single-page application into dist/: index.html plus
// content-hashed files under dist/assets/ (the gateway serves those with a
// year-long immutable cache).  No inline script or style ends up in the
// output, so the gateway's strict Content-Security-Policy holds.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // The module preload polyfill is an inline script; modern browsers do not need it.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` talks to a running platform (scripts/run.sh) through Vite's proxy.
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/openapi.json': 'http://127.0.0.1:8080',
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 30_000,
  },
});

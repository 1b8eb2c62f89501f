import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// In dev, Vite serves the UI and forwards GraphQL (HTTP and graphql-ws) to a server started with `npm run dev`.
const server = process.env.GALLOP_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  server: {
    proxy: { '/graphql': { target: server, ws: true, changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});

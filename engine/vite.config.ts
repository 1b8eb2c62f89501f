import { defineConfig } from 'vite';

// The engine as one browser ES module (npm run build -w @gallop/engine): no Node built-ins, no dependencies.
export default defineConfig({
  build: {
    lib: { entry: new URL('./src/index.ts', import.meta.url).pathname, formats: ['es'], fileName: 'gallop-engine' },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
  },
});

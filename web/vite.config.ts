// The web console (src: web/src), built into web/dist and served by duty-hotline itself at /console/.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '^/(?!console/)': 'http://127.0.0.1:8080' } },
});

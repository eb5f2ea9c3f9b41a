import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  // csv-stringify's default entry is for Node (it calls Buffer when loaded); its browser build carries its own.
  // Without this, every CSV download made in the browser (credentials hand-overs) failed with "Buffer is not defined".
  resolve: { alias: [{ find: /^csv-stringify\/sync$/, replacement: 'csv-stringify/browser/esm/sync' }] },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});

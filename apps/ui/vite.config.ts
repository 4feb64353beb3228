import { defineConfig } from "vite";

// The page is served by the web process from apps/ui/dist; `npm run dev -w @pagewise/ui` proxies the API to it.
export default defineConfig({
  root: __dirname,
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: true },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000", "/admin": "http://127.0.0.1:3000" },
  },
});

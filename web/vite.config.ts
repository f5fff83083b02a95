// The console (console/index.html → dist/console/): one page served from any path (relative asset
// URLs, hash routing), so the same build works behind the gateway in embedded mode and from
// S3/CloudFront. public/ (the chat page at "/", the console's config.json) is copied as is.
import { defineConfig } from "vitest/config";

// `just web-dev`: the dev server forwards the API and the websocket to a running Parley.
const parley = process.env.PARLEY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    assetsDir: "assets",
    rolldownOptions: { input: "console/index.html" },
  },
  server: {
    proxy: {
      "/api": parley,
      "/docs": parley,
      "/ws": { target: parley, ws: true },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
  },
});

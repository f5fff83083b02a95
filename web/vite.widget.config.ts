// The chat widget: one self-contained classic script (`widget.js`, no module, no chunks, CSS
// inlined) that any page embeds with a single <script> tag. Built after the console into dist/.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2019",
    sourcemap: true,
    copyPublicDir: false,
    lib: {
      entry: "src/widget/main.ts",
      name: "ParleyChat",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});

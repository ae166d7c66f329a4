import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests run in plain Node: `vscode` resolves to a small hand-written stand-in.
export default defineConfig({
  resolve: {
    alias: { vscode: fileURLToPath(new URL("./test/unit/vscodeMock.ts", import.meta.url)) },
  },
  test: {
    include: ["test/unit/**/*.test.ts"],
  },
});

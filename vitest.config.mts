import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // End-to-end files run real Terraform; two at a time fits the 2-core build machines.
    maxWorkers: 2,
  },
});

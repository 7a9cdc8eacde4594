// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".hcsynth/", "bench/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // generators/ is runtime-agnostic: it must bundle into a k6 script.
    files: ["generators/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "path", "crypto", "zlib", "stream", "os", "worker_threads", "buffer"], message: "generators/ must not use Node built-ins." },
            { group: ["**/src/**", "**/load/**", "@faker-js/*"], message: "generators/ imports nothing from src/ or load/, nor faker (use the pinned vocabulary snapshot)." },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process", "Buffer", "require", "__dirname"],
    },
  },
  {
    // scenarios/ is shared by the Node executor and the k6 scripts: runtime-agnostic like generators/.
    files: ["scenarios/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "path", "crypto", "zlib", "stream", "os", "worker_threads", "buffer"], message: "scenarios/ must not use Node built-ins." },
            { group: ["**/src/**", "**/load/**"], message: "scenarios/ imports nothing from src/ or load/." },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process", "Buffer", "require", "__dirname"],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/load/**"], message: "src/ and load/ never import each other." }] }],
    },
  },
);

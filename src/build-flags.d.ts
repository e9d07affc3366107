/** Defined by vite.config.ts: true only in the e2e build (`--mode e2e`); see src/app/test-hooks.ts. */
declare const __OBSCURA_TEST_HOOKS__: boolean;

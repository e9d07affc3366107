import { join, resolve } from 'node:path';

/**
 * Where the e2e tests' build lives (global-setup.ts builds it with `--mode e2e`, which adds
 * the tests' hooks). Not dist/: `npm start` serves dist/ and builds it in production mode,
 * so the two never overwrite each other (tests/e2e/start-command.test.ts runs `npm start`
 * while the e2e server is up). Several people (or agents) in one checkout set their own.
 */
export const E2E_DIST = process.env.OBSCURA_E2E_DIST ?? join(resolve(import.meta.dirname, '..', '..', '..'), 'dist-e2e');

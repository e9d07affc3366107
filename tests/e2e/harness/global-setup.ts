import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { ensureBuild } from '../../../sync/server/ensure-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the app if needed and serves it exactly as `npm start` does, on a free port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  // Several people (or agents) running e2e in one checkout each build into their own dir.
  const distDir = process.env.OBSCURA_E2E_DIST ?? join(root, 'dist');
  await ensureBuild(root, distDir);
  const app = await startAppServer({ distDir, port: 0 });
  project.provide('baseUrl', app.url);
  return () => app.close();
}

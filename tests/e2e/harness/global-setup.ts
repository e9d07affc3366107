import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { ensureBuild } from '../../../sync/server/ensure-build.ts';
import { E2E_DIST } from './e2e-dist.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the app (e2e mode: with the tests' hooks) if needed and serves it as `npm start` does, on a free port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  await ensureBuild(root, E2E_DIST, 'e2e');
  const app = await startAppServer({ distDir: E2E_DIST, port: 0 });
  project.provide('baseUrl', app.url);
  return () => app.close();
}

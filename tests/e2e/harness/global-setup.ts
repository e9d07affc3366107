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
  await ensureBuild(root, join(root, 'dist'));
  const app = await startAppServer({ distDir: join(root, 'dist'), port: 0 });
  project.provide('baseUrl', app.url);
  return () => app.close();
}

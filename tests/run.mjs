#!/usr/bin/env node
// `npm test`: type check, lint (code + import direction + cycles + doc references), unit/integration, e2e.
// Runs every stage, even after one failed (so one run shows every failure), and ends with
// one line summing them all: "N passed, N failed" (CI reads it). Each check stage counts as one test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// Set-up first, so a fresh machine fails here in one line and never deep inside a suite:
// the e2e tests need a Chromium, and the relay's scale-out tests the real services they start
// (tests/helpers/services/: Redis, PostgreSQL, Ceph's RADOS Gateway). As root (CI, a container)
// what is missing is installed with apt; anyone else is told the one command to run.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.CHROMIUM_PATH && !existsSync(chromium)) {
  console.error(`No Chromium at CHROMIUM_PATH=${chromium}.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const needed = [
  { path: chromium, pkg: 'chromium' },
  { path: '/usr/bin/redis-server', pkg: 'redis-server' },
  { path: '/usr/lib/postgresql/15/bin/initdb', pkg: 'postgresql' },
  { path: '/usr/bin/ceph-mon', pkg: 'ceph-mon' },
  { path: '/usr/bin/ceph-osd', pkg: 'ceph-osd' },
  { path: '/usr/bin/radosgw', pkg: 'radosgw' },
  { path: '/usr/bin/ceph', pkg: 'ceph-common' },
];
const missing = [...new Set(needed.filter((n) => !existsSync(n.path)).map((n) => n.pkg))];
if (missing.length > 0) {
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need ${missing.join(', ')}. Install with: sudo ${command.replace('&& apt-get', '&& sudo apt-get')}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`=== set-up: installing ${missing.join(' ')} (apt-get) ===`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!(apt('update') && apt('install', '-y', ...missing))) {
    console.error(`Installing failed; run: ${command}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const RESULTS = '.test-results';
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const vitest = (project) => ({
  name: `vitest ${project}`,
  cmd: [
    'npx', 'vitest', 'run', '--project', project,
    '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}/${project}.json`,
  ],
  report: `${RESULTS}/${project}.json`,
});

const stages = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'eslint', cmd: ['npx', 'eslint', '-c', 'tests/lint/eslint.config.js', '--max-warnings=0', '.'] },
  {
    name: 'import direction and cycles',
    cmd: ['npx', 'depcruise', '--config', 'tests/lint/dependency-cruiser.cjs', 'crypto', 'sync', 'ml', 'src', 'models', 'tests'],
  },
  // Every "ARCHITECTURE §n", "<doc>.md" and "<doc>.md \"Section\"" in docs and comments resolves.
  { name: 'doc references', cmd: ['npx', 'tsx', 'tests/lint/check-doc-references.ts'] },
  vitest('unit'),
  // Server code on Node's own package builds (the AWS SDK) against the real services: vite.config.ts says why apart.
  vitest('node'),
  // The relay suite again, against the relay in scale-out mode on the real Redis and PostgreSQL (RELAY.md "Scale-out: box docs").
  vitest('relay-scale-out'),
  vitest('e2e'),
];

let passed = 0;
let failed = 0;
let skipped = 0;
const failedStages = [];

function countReport(path) {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8'));
    return { passed: r.numPassedTests ?? 0, failed: r.numFailedTests ?? 0, skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
  } catch {
    return undefined;
  }
}

for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const run = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit' });
  const ok = run.status === 0;
  const counts = stage.report ? countReport(stage.report) : undefined;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    // A crashed runner (no failing test but non-zero exit) still fails the stage.
    if (!ok && counts.failed === 0) failed += 1;
  } else if (ok) {
    passed += 1;
  } else {
    failed += 1;
  }
  console.log(`=== ${stage.name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (!ok) failedStages.push(stage.name);
}

if (failedStages.length > 0) console.log(`failed stages: ${failedStages.join(', ')}`);

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

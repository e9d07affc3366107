#!/usr/bin/env node
// `npm test`: type check, lint (code + import direction + cycles + doc references), unit/integration, e2e.
// Runs every stage, even after one failed (so one run shows every failure), and ends with
// one line summing them all: "N passed, N failed" (CI reads it). Each check stage counts as one test.
import { spawn, spawnSync } from 'node:child_process';
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

// Stages with the same `together` run at the same time (the checks are CPU-bound and
// independent: 2 cores do them in about the time of the slowest); every stage keeps its own
// lines and its own count. The first of a group prints as it runs, the others' output is
// held and printed whole, in order, once they end.
const stages = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'], together: 'checks' },
  { name: 'eslint', cmd: ['npx', 'eslint', '-c', 'tests/lint/eslint.config.js', '--max-warnings=0', '.'], together: 'checks' },
  {
    name: 'import direction and cycles',
    cmd: ['npx', 'depcruise', '--config', 'tests/lint/dependency-cruiser.cjs', 'crypto', 'sync', 'ml', 'src', 'models', 'tests'],
    together: 'checks',
  },
  // Every "ARCHITECTURE §n", "<doc>.md" and "<doc>.md \"Section\"" in docs and comments resolves.
  { name: 'doc references', cmd: ['npx', 'tsx', 'tests/lint/check-doc-references.ts'], together: 'checks' },
  vitest('unit'),
  // The unit files that must have the CPU to themselves (vite.config.ts UNIT_ALONE).
  vitest('unit-alone'),
  // Server code on Node's own package builds (the AWS SDK) against the real services: vite.config.ts says why apart.
  vitest('node'),
  // The relay suite again, against the relay in scale-out mode on the real Redis and PostgreSQL (RELAY.md "Scale-out: box docs").
  vitest('relay-scale-out'),
  vitest('e2e'),
  // The e2e files that must have the CPU to themselves (vite.config.ts E2E_ALONE).
  vitest('e2e-alone'),
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

/** Runs one stage; `live` prints its output as it comes, otherwise it is kept in `output`. */
function run(stage, live) {
  const started = Date.now();
  const chunks = [];
  const child = spawn(stage.cmd[0], stage.cmd.slice(1), { stdio: live ? 'inherit' : ['inherit', 'pipe', 'pipe'] });
  if (!live) {
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
  }
  return new Promise((done) => {
    // A command that cannot start ('close' follows with a failing status).
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (status) => done({ stage, ok: status === 0, seconds: (Date.now() - started) / 1000, output: Buffer.concat(chunks) }));
  });
}

function record({ stage, ok, seconds }) {
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
  console.log(`=== ${stage.name}: ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s ===`);
  if (!ok) failedStages.push(stage.name);
}

for (let i = 0; i < stages.length; ) {
  const group = [stages[i]];
  while (stages[i].together && stages[i + group.length]?.together === stages[i].together) group.push(stages[i + group.length]);
  i += group.length;
  console.log(`\n=== ${group[0].name} ===`);
  const runs = group.map((stage, n) => run(stage, n === 0));
  for (const [n, pending] of runs.entries()) {
    const result = await pending;
    if (n > 0) {
      console.log(`\n=== ${result.stage.name} ===`);
      process.stdout.write(result.output);
    }
    record(result);
  }
}

if (failedStages.length > 0) console.log(`failed stages: ${failedStages.join(', ')}`);

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

/**
 * Architecture rules (ARCHITECTURE §1): imports flow src -> {sync, ml} -> crypto.
 * crypto imports nothing of ours; ml never imports sync or src; nothing imports src;
 * only crypto/ touches libsodium; no cycles anywhere, between files or between folders.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-folder-cycles',
      comment:
        'Folders, not only files, form no cycle (issue 14 §4): a folder that imports one that imports it back is one room under two names. ' +
        'No exception: the vault doc entries that notebooks read too live in sync/vault-doc, below both sync/vault and sync/share (ARCHITECTURE §1).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'crypto-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^crypto/' },
      to: { path: '^(sync|ml|src|models|tests)/' },
    },
    {
      name: 'ml-not-sync-or-src',
      severity: 'error',
      from: { path: '^ml/' },
      to: { path: '^(sync|src|tests)/' },
    },
    {
      name: 'sync-not-ml-or-src',
      severity: 'error',
      from: { path: '^sync/' },
      to: { path: '^(ml|src|tests)/' },
    },
    {
      name: 'tagging-runs-in-ml',
      comment:
        'A photo goes from the queue to its tag result inside ml/queue/tagging-queue.ts (issue 14 §4, ARCHITECTURE §9): src/ hands it photos ' +
        'and writes what comes out through sync/notebook/tagged-photo.ts, and does not drive the indexing queue or the tag runner itself.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^ml/queue/(indexing-queue|tag-photo-runner)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-src',
      comment:
        "Except the error registry's check: the codes' words (src/app/messages.ts) and the type joining every layer's codes (src/app/error-code.ts) are data with no UI, and only src/ may see every layer.",
      severity: 'error',
      from: { pathNot: '^src/' },
      to: { path: '^src/', pathNot: '^src/app/(error-code|messages)\\.ts$' },
    },
    {
      name: 'only-the-registry-check-imports-the-registry',
      severity: 'error',
      from: { pathNot: '^(src/|tests/unit/errors/error-registry\\.test\\.ts$)' },
      to: { path: '^src/app/(error-code|messages)\\.ts$' },
    },
    {
      name: 'only-crypto-imports-libsodium',
      severity: 'error',
      from: { pathNot: '^crypto/' },
      to: { path: 'libsodium' },
    },
    {
      name: 'worker-entries-hold-no-logic',
      comment: 'A *.worker.ts file only exposes an object; nothing may import it as a module.',
      severity: 'error',
      from: {},
      to: { path: '\\.worker\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|models/generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

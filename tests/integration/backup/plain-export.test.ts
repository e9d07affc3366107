import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { writePlainExport } from '../../../sync/backup/plain-export.ts';
import { safeName, uniqueName } from '../../../sync/backup/plain-export-notes.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { testSeed } from '../../helpers/seeded-random.ts';
import { concat, makeVault, MARKER } from './backup-fixture.ts';

beforeAll(sodiumReady);

describe('plain export (zip)', () => {
  it('a folder per notebook: Markdown per note, notes.json, and the decrypted photo byte for byte', async () => {
    const seed = testSeed();
    console.log(`[plain export] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
    const made = await makeVault(seed);
    const opened = await made.vault.notebooks.open(made.notebookIds[1]);
    if (!opened.ok) throw new Error('notebook did not open');
    createNote(opened.value.doc, { title: 'Groceries', body: 'eggs' }, 1_700_000_000_000);
    const parts: Uint8Array[] = [];
    const summary = await writePlainExport(made.vault, made.blobs, (part) => void parts.push(part.slice()));
    expect(summary).toEqual({ notebooks: 2, notes: 3, photos: 1, photosMissing: 0 });

    const files = unzipSync(concat(parts));
    const names = Object.keys(files).sort();
    const trips = `Trips ${MARKER}`;
    const md = names.find((n) => n.startsWith(`${trips}/`) && n.endsWith(`Harbour ${MARKER}.md`));
    const jpg = names.find((n) => n.startsWith(`${trips}/`) && n.endsWith('.jpg'));
    expect(md, names.join(', ')).toBeDefined();
    expect(files[jpg ?? '']).toEqual(made.photo);
    const markdown = strFromU8(files[md ?? ''] ?? new Uint8Array());
    expect(markdown).toContain(`# Harbour ${MARKER}`);
    expect(markdown).toContain('boat (0.91, model centernet@1)');
    expect(markdown).toContain('holiday (1.00, added by you)');
    expect(markdown).toContain(`> HARBOUR ${MARKER}`);
    expect(markdown).toContain(`Boats at dawn ${MARKER}`);
    expect(markdown).toContain(`![Photo](<${jpg?.slice(trips.length + 1)}>)`);

    const json: unknown = JSON.parse(strFromU8(files[`${trips}/notes.json`] ?? new Uint8Array()));
    expect(json).toMatchObject({ notebook: trips, notes: [{ id: made.noteId, title: `Harbour ${MARKER}`, labels: expect.arrayContaining([{ label: 'boat', score: 0.91, source: 'model', model: 'centernet@1' }]), ocr: [{ text: `HARBOUR ${MARKER}`, confidence: 0.8 }] }] });
    // Two notes titled alike get two files.
    expect(names.filter((n) => n.startsWith('Receipts/') && n.endsWith('.md'))).toHaveLength(2);
    await made.vault.lock();
  });

  it('names are safe on every OS and unique', () => {
    expect(safeName('a/b\\c:d*?"<>|\u0000', 'x')).toBe('a b c d');
    expect(safeName('...', 'Untitled')).toBe('Untitled');
    const taken = new Set<string>();
    expect([uniqueName('Trip', taken), uniqueName('trip', taken), uniqueName('Trip', taken)]).toEqual(['Trip', 'trip 2', 'Trip 3']);
  });
});

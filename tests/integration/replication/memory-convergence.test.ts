import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { createNote, deleteNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { MemoryNetwork } from '../../helpers/memory-network.ts';
import { testSeed } from '../../helpers/seeded-random.ts';

const SEEDS = 30;
const OPERATIONS = 60;

let keyring: Keyring;
beforeAll(async () => {
  await sodiumReady();
  const keyId = newKeyId();
  keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
});

interface Peer {
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
}

/** A small compaction threshold so snapshots (which delete entries) race with partitions too. */
function peer(network: MemoryNetwork): Peer {
  const plain = new Y.Doc();
  const box = new Y.Doc();
  const sealed = new SealedDoc({ docId: 'nb-mem', plain, box, keyring, writer: newWriter(generateSigningKeyPair()), compactEntries: 12 });
  network.join(box);
  return { plain, box, sealed };
}

/** One random user action on one peer: create, edit a title or body, or delete a note. */
function act(peer: Peer, random: () => number, step: number): void {
  const notes = readNotes(peer.plain);
  const pick = () => notes[Math.floor(random() * notes.length)]!.id;
  const roll = random();
  if (notes.length === 0 || roll < 0.3) createNote(peer.plain, { title: `n${step}`, body: `body ${step}` }, step);
  else if (roll < 0.85) setNoteText(peer.plain, pick(), random() < 0.5 ? 'body' : 'title', `edit ${step} ${random().toFixed(4)}`, step);
  else deleteNote(peer.plain, pick());
  // Sealing normally waits for a quiet window; here the seed decides when it happens.
  if (random() < 0.5) peer.sealed.flush();
}

function runSeed(seed: number): { rounds: number; notes: number; snapshots: number; stats: MemoryNetwork['stats'] } {
  const network = new MemoryNetwork({ seed, dropRate: 0.25, duplicateRate: 0.15, maxDelay: 8 });
  const random = network.random;
  const peers = [peer(network), peer(network), peer(network)];
  for (let step = 0; step < OPERATIONS; step++) {
    act(peers[Math.floor(random() * peers.length)]!, random, step);
    const roll = random();
    if (roll < 0.08) {
      const alone = Math.floor(random() * 3);
      network.partition([[alone], [0, 1, 2].filter((p) => p !== alone)]);
    } else if (roll < 0.14) network.heal();
    for (let t = Math.floor(random() * 3); t > 0; t--) network.tick();
  }
  for (const p of peers) p.sealed.flush();
  const rounds = network.settle();
  const states = peers.map((p) => canonical(p.plain.toJSON()));
  expect(new Set(states).size, `seed ${seed}: plain docs differ`).toBe(1);
  for (const p of peers) expect([...p.sealed.quarantine.values()], `seed ${seed}`).toEqual([]);
  const notes = readNotes(peers[0]!.plain).length;
  const snapshots = peers[0]!.box.getMap('snapshots').size;
  for (const p of peers) p.sealed.destroy();
  return { rounds, notes, snapshots, stats: network.stats };
}

/** JSON with sorted keys: a Y.Map iterates in local insertion order, which differs by peer. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

describe('replication over a lossy in-memory network', () => {
  it(`3 sealed peers with delays, drops, duplicates, reordering and partitions converge (${SEEDS} seeds)`, () => {
    const first = testSeed();
    let compacted = 0;
    for (let i = 0; i < SEEDS; i++) {
      const seed = first + i;
      const { rounds, notes, snapshots, stats } = runSeed(seed);
      if (snapshots > 0) compacted++;
      console.log(
        `memory-network seed=${seed} (replay with OBSCURA_SEED=${seed}): ${notes} notes, ${stats.sent} sent, ` +
          `${stats.dropped} dropped, ${stats.duplicated} duplicated, ${snapshots} snapshot(s), converged after ${rounds} anti-entropy round(s)`,
      );
    }
    // Compaction (a snapshot deleting entries) must have raced the network in most seeds.
    expect(compacted).toBeGreaterThan(SEEDS / 2);
  });

  it('without anti-entropy, drops leave peers apart (the network really loses messages)', () => {
    const network = new MemoryNetwork({ seed: 7, dropRate: 0.5 });
    const peers = [peer(network), peer(network)];
    for (let i = 0; i < 10; i++) {
      createNote(peers[0]!.plain, { title: `t${i}` }, i);
      peers[0]!.sealed.flush();
    }
    network.drain();
    expect(readNotes(peers[1]!.plain).length).toBeLessThan(10);
    network.settle();
    expect(readNotes(peers[1]!.plain).length).toBe(10);
    for (const p of peers) p.sealed.destroy();
  });
});

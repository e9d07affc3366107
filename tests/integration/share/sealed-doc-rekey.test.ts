import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, readEnvelopeHeader, sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { firstKey, keyringWith, quarantineCodes, titles } from './share-harness.ts';

beforeAll(sodiumReady);

function replica(keyring: ReturnType<typeof keyringWith>, box = new Y.Doc()) {
  const plain = new Y.Doc();
  return { plain, box, keyring, sealed: new SealedDoc({ docId: 'nb-rekey', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) }) };
}

describe('SealedDoc.rekey and retryQuarantined', () => {
  it('rekey leaves one snapshot under the new key; a keyring without it quarantines E_KEY_UNKNOWN until the key arrives', () => {
    const [k1, k2] = [firstKey(), firstKey()];
    const a = replica(keyringWith(k1));
    for (let i = 0; i < 5; i++) {
      createNote(a.plain, { title: `n${i}` });
      a.sealed.flush();
    }
    a.keyring.add(k2.keyId, k2.key, true);
    a.sealed.rekey();
    const { entries, snapshots } = boxMaps(a.box);
    expect(entries.size).toBe(0);
    expect(snapshots.size).toBe(1);
    const header = readEnvelopeHeader([...snapshots.values()][0] as Uint8Array);
    expect(header.ok && header.value.keyId).toBe(k2.keyId);

    const b = replica(keyringWith(k1), new Y.Doc());
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box));
    expect(titles(b)).toEqual([]);
    expect(quarantineCodes(b)).toEqual(['E_KEY_UNKNOWN']);
    b.sealed.retryQuarantined(['E_SIGNER']);
    expect(quarantineCodes(b)).toEqual(['E_KEY_UNKNOWN']);
    b.keyring.add(k2.keyId, k2.key);
    b.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
    expect(quarantineCodes(b)).toEqual([]);
    expect(titles(b)).toEqual(titles(a));
  });
});

import type * as Y from 'yjs';
import { guardAppendOnly } from '../sealed/append-only.ts';
import { epochsMap, readKeyEpoch } from './key-epochs.ts';
import { keyEnvelopePlace, keyEnvelopeSigner, keysMap } from './key-envelope.ts';
import { readMember } from './members.ts';
import { revocationIsSigned, revocationsMap } from './revocations.ts';

/**
 * The sharing maps of a box are append-only like its entries (sync/sealed/append-only.ts):
 * a key envelope signed by a trusted member may go only once its recipient is an invite
 * that was used or withdrawn (nobody may open it any more); a signed revocation or key
 * epoch never goes. `trusted` is the notebook's member trust for a signer (members.ts).
 * Returns the function that stops guarding.
 */
export function guardShareMaps(box: Y.Doc, plain: Y.Doc, notebookId: string, trusted: (signerPublicKey: Uint8Array) => boolean): () => void {
  const guards = [
    guardAppendOnly(box, keysMap(box), {
      authentic: (key, value) => {
        const place = keyEnvelopePlace(notebookId, key);
        const signer = place && keyEnvelopeSigner(value, place);
        return signer !== undefined && trusted(signer);
      },
      mayDelete: (key) => {
        const record = readMember(plain, key.split('/')[0] ?? '');
        return record?.role === 'invite' && record.removedAt !== undefined;
      },
    }),
    guardAppendOnly(box, revocationsMap(box), { authentic: (key, value) => revocationIsSigned(notebookId, key, value), mayDelete: () => false }),
    guardAppendOnly(box, epochsMap(box), { authentic: (key, value) => readKeyEpoch(notebookId, key, value) !== undefined, mayDelete: () => false }),
  ];
  return () => guards.forEach((guard) => guard.stop());
}

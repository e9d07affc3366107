import type * as Y from 'yjs';
import { guardAppendOnly } from '../sealed/append-only.ts';
import { keyEnvelopePlace, keyEnvelopeSigner, keysMap } from './key-envelope.ts';
import { readMember } from './members.ts';
import { revocationIsSigned, revocationsMap } from './revocations.ts';

/**
 * The sharing maps of a box are append-only like its entries (sync/sealed/append-only.ts):
 * a signed key envelope may go only once its recipient is an invite that was used or
 * withdrawn (nobody may open it any more); a signed revocation never goes. Returns the
 * function that stops guarding.
 */
export function guardShareMaps(box: Y.Doc, plain: Y.Doc, notebookId: string): () => void {
  const guards = [
    guardAppendOnly(box, keysMap(box), {
      authentic: (key, value) => {
        const place = keyEnvelopePlace(notebookId, key);
        return place !== undefined && keyEnvelopeSigner(value, place) !== undefined;
      },
      mayDelete: (key) => {
        const record = readMember(plain, key.split('/')[0] ?? '');
        return record?.role === 'invite' && record.removedAt !== undefined;
      },
    }),
    guardAppendOnly(box, revocationsMap(box), { authentic: (key, value) => revocationIsSigned(notebookId, key, value), mayDelete: () => false }),
  ];
  return () => guards.forEach((guard) => guard.stop());
}

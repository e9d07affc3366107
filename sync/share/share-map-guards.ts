import type * as Y from 'yjs';
import { guardAppendOnly } from '../sealed/append-only.ts';
import { epochsMap, readKeyEpoch } from './key-epochs.ts';
import { keyEnvelopeSigner, keysMap, readKeyEnvelopeEntry } from './key-envelope.ts';
import { memberHeadsMap, readMemberHead } from './member-head-codec.ts';
import { readMember } from './members.ts';
import { revocationIsSigned, revocationsMap } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';
import { sealedCopyHolds } from './share-maps-upgrade.ts';

/**
 * The sharing maps of a box are append-only like its entries (sync/sealed/append-only.ts):
 * a key envelope signed by a trusted member may go only once its recipient is an invite
 * that was used or withdrawn (nobody may open it any more); a signed revocation, key epoch or
 * member-list head never goes. One stored in clear (from before room sealing) may go once the same
 * bytes are stored sealed under its room slot (share-maps-upgrade.ts). `trusted` is the
 * notebook's member trust for a signer (members.ts).
 * Returns the function that stops guarding.
 */
export function guardShareMaps(box: Y.Doc, plain: Y.Doc, notebookId: string, meta: RoomMeta, trusted: (signerPublicKey: Uint8Array) => boolean): () => void {
  const guards = [
    guardAppendOnly(box, keysMap(box), {
      authentic: (key, value) => {
        const entry = readKeyEnvelopeEntry(notebookId, meta, key, value);
        const signer = entry && keyEnvelopeSigner(entry.envelope, entry.place);
        return signer !== undefined && trusted(signer);
      },
      mayDelete: (key, value) => {
        const entry = readKeyEnvelopeEntry(notebookId, meta, key, value);
        const record = entry && readMember(plain, entry.place.recipientDeviceId);
        return (record?.role === 'invite' && record.removedAt !== undefined) || sealedCopyHolds(box, 'keys', meta, key, value);
      },
    }),
    guardAppendOnly(box, revocationsMap(box), {
      authentic: (key, value) => revocationIsSigned(notebookId, meta, key, value),
      mayDelete: (key, value) => sealedCopyHolds(box, 'revocations', meta, key, value),
    }),
    guardAppendOnly(box, epochsMap(box), {
      authentic: (key, value) => readKeyEpoch(notebookId, meta, key, value) !== undefined,
      mayDelete: (key, value) => sealedCopyHolds(box, 'epochs', meta, key, value),
    }),
    // Dropping a head would hide which records a replica lacks (member-head-codec.ts).
    guardAppendOnly(box, memberHeadsMap(box), {
      authentic: (key, value) => readMemberHead(notebookId, meta, key, value) !== undefined,
      mayDelete: () => false,
    }),
  ];
  return () => guards.forEach((guard) => guard.stop());
}

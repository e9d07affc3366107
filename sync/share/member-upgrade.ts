import type * as Y from 'yjs';
import { bytesEqual, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { listMemberHeads } from './member-head-codec.ts';
import { membersMap, readRawMember, verifyMemberRecord } from './member-record.ts';
import { resignMember, type Anchor } from './members.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * Notebooks from before owner-signed member records (sync/PROTOCOL.md "Owner-signed member
 * records"): every stored record counts there, as before, until the founder device opens the
 * notebook with this version. It signs every record as it stands (what its replica trusts
 * today is the best list there is) and writes the first head; from the first head a device
 * sees on, it counts only records an owner's authority reaches (and keeps that in its vault
 * doc, so writing unsigned records back cannot turn the notebook lax again).
 *
 * Note: only the founder upgrades, because a record counts when a current owner signed it,
 * and before the upgrade no owner's own record is signed: the founder's alone may be signed
 * by itself (it is pinned out of band), and it re-signs every record it did not sign itself,
 * its own always as owner. Old clients keep reading the list (they ignore the
 * new fields), but what they add or change is unsigned and counts for no upgraded device.
 */
export function upgradeMemberRecords(plain: Y.Doc, notebookId: string, founder: Anchor, self: SigningKeyPair): number {
  if (!isAnchor(founder, self.publicKey)) return 0;
  let signed = 0;
  for (const deviceId of [...membersMap(plain).keys()]) {
    const record = readRawMember(plain, deviceId);
    if (!record) continue;
    // A signature that holds is not enough: any member could have signed a record (the
    // founder's own too) with her own key, and that counts for nobody. Only the founder's stands.
    const own = deviceId === deviceIdFor(self.publicKey);
    if (record.signer && bytesEqual(record.signer, self.publicKey) && verifyMemberRecord(notebookId, record) && (!own || record.role === 'owner')) continue;
    // At the version cap nothing higher can be signed.
    if (record.version >= 0xffffffff) continue;
    resignMember(plain, own ? { ...record, role: 'owner' } : record, self);
    signed++;
  }
  return signed;
}

const isAnchor = (anchor: Anchor, key: Uint8Array): boolean => (typeof anchor === 'string' ? anchor === deviceIdFor(key) : bytesEqual(anchor, key));

/**
 * Whether the box shows that the notebook was upgraded: the first head of the chain, which
 * only the pinned founder signs. Nothing else: a head or record another device signed (an
 * unsigned owner record of its own and a head it signs) proves nothing, and must not turn the
 * notebook strict before its founder has signed the records.
 */
export function boxShowsStrict(box: Y.Doc, notebookId: string, meta: RoomMeta, founder: Anchor): boolean {
  const founderId = typeof founder === 'string' ? founder : deviceIdFor(founder);
  return listMemberHeads(box, notebookId, meta).some((head) => head.version === 1 && head.signerDeviceId === founderId);
}

import type * as Y from 'yjs';
import type { Result } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { memberStanding } from './member-authority.ts';
import { verifyMemberRecord } from './member-record.ts';
import { isCurrentOwner, memberPolicy, membersMap, readMember, readRawMember, resignMember, type MemberRecord } from './members.ts';
import type { SharedNotebook } from './rotate-key.ts';

/**
 * A member that is not an owner cannot add a device (member-authority.ts), not even one of
 * its own: what it writes (`addOwnDevices` for a device the person linked later) is a request.
 * Pending: in a strict notebook, a stored record that does not count, not removed, written
 * and signed (the signature holds) by a current member in its own name (`addedBy` is the
 * signer). An owner approves it by signing it again, as a `member`. A record asking for `owner` is no request (a member's
 * own devices get its role) and is never shown.
 */
export function pendingMembers(doc: Y.Doc): MemberRecord[] {
  const policy = memberPolicy(doc);
  if (policy?.strict() !== true) return [];
  const out: MemberRecord[] = [];
  for (const deviceId of membersMap(doc).keys()) {
    if (readMember(doc, deviceId) !== undefined) continue;
    const record = readRawMember(doc, deviceId);
    // A member adds its own devices as members (own-devices.ts): one it asks to be an owner is no request.
    if (!record?.signer || record.removedAt !== undefined || record.role !== 'member' || record.proof !== undefined) continue;
    // Who asks is whoever signed it: any writer can put another member's key in `sig`.
    if (!verifyMemberRecord(policy.notebookId, record)) continue;
    const requester = deviceIdFor(record.signer);
    const asker = memberStanding(doc, requester);
    if (requester !== record.addedBy || requester === deviceId || !asker || asker.removed) continue;
    out.push(record);
  }
  return out.sort((a, b) => a.addedAt - b.addedAt || a.deviceId.localeCompare(b.deviceId));
}

export function approveMember(nb: SharedNotebook, deviceId: string): Result<{ deviceId: string }, 'E_NOT_OWNER' | 'E_MEMBER_UNKNOWN'> {
  if (!isCurrentOwner(nb.plain, nb.self.deviceId)) return { ok: false, error: { code: 'E_NOT_OWNER', message: 'only an owner can approve a device' } };
  const record = pendingMembers(nb.plain).find((r) => r.deviceId === deviceId);
  if (!record) return { ok: false, error: { code: 'E_MEMBER_UNKNOWN', message: 'no device waits for approval under this id' } };
  resignMember(nb.plain, { ...record, role: 'member' }, nb.self.signing);
  nb.sealed.flush();
  return { ok: true, value: { deviceId } };
}

import type * as Y from 'yjs';
import type { CodedError, SigningKeyPair } from '../../crypto/index.ts';
import { currentMemberHead } from './member-authority.ts';
import { listMemberHeads, MAX_HEAD_VERSION, putMemberHead } from './member-head-codec.ts';
import { isCurrentOwner, listMembers, memberPolicy, readMember } from './members.ts';
import type { RoomMeta } from './room-meta.ts';

/** What writing and checking a head needs of an open notebook. */
export interface HeadedNotebook {
  readonly id: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly meta: RoomMeta;
  readonly self: { readonly deviceId: string; readonly signing: SigningKeyPair };
}

/**
 * An owner device signs a new head when the records it holds go beyond the newest head: every
 * counted record's version, and every device the last head named that this device lacks (a
 * record hidden from it, or written back from before, must not drop out of the head and so
 * start counting again). Returns whether it wrote one. Never throws: the members observer
 * calls it on every change.
 */
export function writeMemberHead(nb: HeadedNotebook): boolean {
  // A head makes the notebook strict for everyone: never from a notebook not upgraded yet.
  if (memberPolicy(nb.plain)?.strict() !== true || !isCurrentOwner(nb.plain, nb.self.deviceId)) return false;
  const last = currentMemberHead(nb.plain);
  const rows = new Map(last?.records ?? []);
  let grew = last === undefined;
  for (const record of listMembers(nb.plain)) {
    if ((rows.get(record.deviceId) ?? -1) >= record.version) continue;
    rows.set(record.deviceId, record.version);
    grew = true;
  }
  if (!grew) return false;
  // After the newest COUNTED head (one a member signs decides nothing, not even the number),
  // and after this device's own, which may not count (the chain passed it over): its box key is taken.
  const own = listMemberHeads(nb.box, nb.id, nb.meta).filter((head) => head.signerDeviceId === nb.self.deviceId);
  const version = Math.max(last?.version ?? 0, ...own.map((head) => head.version)) + 1;
  if (version > MAX_HEAD_VERSION) return false;
  putMemberHead(nb.box, nb.id, nb.meta, version, rows, nb.self.signing);
  return true;
}

export type MemberListStatus = { ok: true; value: { members: number } } | { ok: false; error: CodedError<'E_MEMBERS_INCOMPLETE'> & { missing: string[] } };

/**
 * Whether this replica holds every record the newest owner-signed head names, at least at
 * the version named. `missing`: devices whose record was not received (or was replaced by an
 * older one). Complete when no head counts yet (a notebook from before heads).
 */
export function memberListStatus(nb: Pick<HeadedNotebook, 'plain'>): MemberListStatus {
  const head = currentMemberHead(nb.plain);
  const members = listMembers(nb.plain).length;
  if (!head) return { ok: true, value: { members } };
  const missing = [...head.records].filter(([deviceId, version]) => (readMember(nb.plain, deviceId)?.version ?? -1) < version).map(([deviceId]) => deviceId);
  if (missing.length === 0) return { ok: true, value: { members } };
  return { ok: false, error: { code: 'E_MEMBERS_INCOMPLETE', message: `the owner's member list names ${missing.length} record(s) this device has not received`, missing } };
}

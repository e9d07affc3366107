import type * as Y from 'yjs';
import { bytesEqual, type CodedError, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { currentMemberHead } from './member-authority.ts';
import { MAX_HEAD_VERSION, MAX_ROWS, memberHeadsMap, putMemberHead, readMemberHead } from './member-head-codec.ts';
import { memberRecordDigest } from './member-record.ts';

const MAX_MEMBER_VERSION = 0xffffffff;
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
 * An owner device signs the next head of the chain (member-authority.ts) when the records that
 * count go beyond the newest head: every row of that head (a head never drops nor lowers one,
 * so a record hidden from this device, or written back from before, stays named) and every
 * newer record that counts, with its role, whether it is removed, and its digest. The first
 * head only from the pinned founder (anyone else's version 1 never counts). `removed`: devices
 * being removed, named removed even when no record of theirs is held. Returns whether it
 * wrote one. Never throws: the members observer calls it on every change.
 */
export function writeMemberHead(nb: HeadedNotebook, removed: readonly string[] = []): boolean {
  const policy = memberPolicy(nb.plain);
  // A head makes the notebook strict for everyone: never from a notebook not upgraded yet.
  if (policy?.strict() !== true || !isCurrentOwner(nb.plain, nb.self.deviceId)) return false;
  const last = currentMemberHead(nb.plain);
  const founder = policy.founder;
  if (!last && !(typeof founder === 'string' ? founder === nb.self.deviceId : bytesEqual(founder, nb.self.signing.publicKey))) return false;
  const rows = new Map(last?.records ?? []);
  let grew = last === undefined;
  for (const record of listMembers(nb.plain)) {
    const row = rows.get(record.deviceId);
    const digest = memberRecordDigest(nb.id, record);
    if ((row && row.version >= record.version) || !digest) continue;
    // Never past MAX_ROWS (a head with more is unreadable): new devices wait for room.
    if (!row && rows.size >= MAX_ROWS) continue;
    const removed = record.removedAt !== undefined;
    const self = removed && record.signer !== undefined && bytesEqual(record.signer, record.signingPublicKey);
    rows.set(record.deviceId, { version: record.version, owner: record.role === 'owner', removed, self, digest });
    grew = true;
  }
  // A device the owner removes whose record it cannot sign over (junk over it, or stored at the
  // version cap): the head alone names it removed, one version up, so its old record is stale.
  for (const deviceId of removed) {
    const row = rows.get(deviceId);
    if (!row || row.removed || row.version >= MAX_MEMBER_VERSION) continue;
    rows.set(deviceId, { ...row, version: row.version + 1, removed: true, self: false });
    grew = true;
  }
  if (!grew) return false;
  // The next version exactly; this device's box key for it is taken only by its own head of that
  // version (another owner's won). Anything else there (junk any box writer can add, which the
  // append-only guard does not keep) is overwritten, or it would freeze the chain.
  const version = (last?.version ?? 0) + 1;
  if (version > MAX_HEAD_VERSION) return false;
  const mapKey = `${nb.meta.slot(deviceIdFor(nb.self.signing.publicKey))}/${version}`;
  if (readMemberHead(nb.id, nb.meta, mapKey, memberHeadsMap(nb.box).get(mapKey))?.signerDeviceId === nb.self.deviceId) return false;
  putMemberHead(nb.box, nb.id, nb.meta, version, rows, nb.self.signing);
  return true;
}

export type MemberListStatus = { ok: true; value: { members: number } } | { ok: false; error: CodedError<'E_MEMBERS_INCOMPLETE'> & { missing: string[] } };

/**
 * Whether this replica holds every record the newest head that counts names, at least at the
 * version named (and at that version, exactly the record named). `missing`: devices whose
 * record was not received, or was replaced by an older or another one. Complete when no head
 * counts yet (a notebook from before heads).
 */
export function memberListStatus(nb: Pick<HeadedNotebook, 'plain'>): MemberListStatus {
  const head = currentMemberHead(nb.plain);
  const members = listMembers(nb.plain).length;
  // Strict with no head yet (a joiner whose invite said strict, a relay withholding every head):
  // only records the founder's authority reaches count, and this replica cannot tell which it lacks.
  if (!head && memberPolicy(nb.plain)?.strict() === true && memberPolicy(nb.plain)?.heads) {
    return { ok: false, error: { code: 'E_MEMBERS_INCOMPLETE', message: "no owner-signed member list has reached this device yet: it counts only records an owner signed", missing: [] } };
  }
  if (!head) return { ok: true, value: { members } };
  const missing = [...head.records].filter(([deviceId, row]) => (readMember(nb.plain, deviceId)?.version ?? -1) < row.version).map(([deviceId]) => deviceId);
  if (missing.length === 0) return { ok: true, value: { members } };
  return { ok: false, error: { code: 'E_MEMBERS_INCOMPLETE', message: `the owner's member list names ${missing.length} record(s) this device has not received`, missing } };
}

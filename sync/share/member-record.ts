import * as Y from 'yjs';
import { bytesEqual, concatBytes, fromBase64Url, lengthPrefixed, sign, sodium, toBase64Url, u32be, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';

/**
 * One member record as stored in the plain doc's `members` map, deviceId -> Y.Map of fields:
 * signingPublicKey, boxPublicKey?, role, addedBy, addedAt, removedAt?, expiresAt?, and since
 * owner-signed records (sync/PROTOCOL.md "Owner-signed member records") version, sig (signer
 * pk ‖ Ed25519 signature, base64url) and, for a joiner, proof (the invite's record, JSON).
 * This module only reads and signs; who may sign what is member-authority.ts.
 */
export type MemberRole = 'owner' | 'member' | 'invite';

export interface MemberRecord {
  readonly deviceId: string;
  readonly signingPublicKey: Uint8Array;
  readonly boxPublicKey: Uint8Array | undefined;
  readonly role: MemberRole;
  readonly addedBy: string;
  readonly addedAt: number;
  readonly removedAt: number | undefined;
  /** Invites only: after this, members sweep it (join-notebook.ts sweepInvites). */
  readonly expiresAt: number | undefined;
  /** Raised by one at every re-signing; 0 for records from before signatures. */
  readonly version: number;
  /** Who signed the record, when it carries a signature (checked by verifyMemberRecord). */
  readonly signer: Uint8Array | undefined;
  readonly signature: Uint8Array | undefined;
  /** A joiner's: the fields of the invite record its one-time key redeemed. */
  readonly proof: string | undefined;
}

export interface MemberKeys {
  readonly signingPublicKey: Uint8Array;
  readonly boxPublicKey?: Uint8Array;
}

export function membersMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('members');
}

const ROLES: readonly string[] = ['owner', 'member', 'invite'];
const DOMAIN = lengthPrefixed(utf8('obscura/member/v1'));
const MAX_PROOF_CHARS = 2048;

function bytesField(fields: Record<string, unknown>, name: string, length: number): Uint8Array | undefined {
  const value = fields[name];
  if (typeof value !== 'string') return undefined;
  const bytes = fromBase64Url(value);
  return bytes.ok && bytes.value.length === length ? bytes.value : undefined;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A validated record from its fields, or undefined when malformed (a malformed record trusts nobody). */
export function parseMemberFields(deviceId: string, fields: Record<string, unknown>): MemberRecord | undefined {
  const signingPublicKey = bytesField(fields, 'signingPublicKey', 32);
  const { role, addedBy, addedAt, removedAt, expiresAt, version, proof } = fields;
  if (!signingPublicKey || deviceIdFor(signingPublicKey) !== deviceId) return undefined;
  // The times signing takes (signedBytes), or a record read here could never be signed again (a removal would throw).
  if (typeof role !== 'string' || !ROLES.includes(role) || typeof addedBy !== 'string' || !isTime(addedAt)) return undefined;
  if (removedAt !== undefined && !isTime(removedAt)) return undefined;
  if (expiresAt !== undefined && !isTime(expiresAt)) return undefined;
  if (version !== undefined && !(typeof version === 'number' && Number.isInteger(version) && version >= 0 && version <= 0xffffffff)) return undefined;
  if (proof !== undefined && (typeof proof !== 'string' || proof.length > MAX_PROOF_CHARS)) return undefined;
  const sig = bytesField(fields, 'sig', 96);
  return {
    deviceId,
    signingPublicKey,
    boxPublicKey: bytesField(fields, 'boxPublicKey', 32),
    role: role as MemberRole,
    addedBy,
    addedAt,
    removedAt,
    expiresAt,
    version: version ?? 0,
    signer: sig?.slice(0, 32),
    signature: sig?.slice(32),
    proof,
  };
}

/** The record stored for `deviceId`, signed or not, as written (no authority checked). */
export function readRawMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  const entry = membersMap(doc).get(deviceId);
  return entry instanceof Y.Map ? parseMemberFields(deviceId, entry.toJSON() as Record<string, unknown>) : undefined;
}

/** Absent times sign as 0, present ones as time + 1, so 0 and absent differ. */
const optionalTime = (value: number | undefined): Uint8Array => u64be(value === undefined ? 0 : value + 1);

/** What the signature covers: every field, bound to the notebook (a record cannot be moved to another one). */
function signedBytes(notebookId: string, r: Omit<MemberRecord, 'deviceId' | 'signer' | 'signature'>): Uint8Array | undefined {
  if (!isTime(r.addedAt) || (r.removedAt !== undefined && !isTime(r.removedAt)) || (r.expiresAt !== undefined && !isTime(r.expiresAt))) return undefined;
  return concatBytes(
    DOMAIN,
    lengthPrefixed(utf8(notebookId)),
    r.signingPublicKey,
    lengthPrefixed(r.boxPublicKey ?? new Uint8Array(0)),
    lengthPrefixed(utf8(r.role)),
    lengthPrefixed(utf8(r.addedBy)),
    u64be(r.addedAt),
    optionalTime(r.removedAt),
    optionalTime(r.expiresAt),
    u32be(r.version),
    lengthPrefixed(utf8(r.proof ?? '')),
  );
}

/** The fields to store for `record`, signed by `signer` for `notebookId`. */
export function signedMemberFields(notebookId: string, record: Omit<MemberRecord, 'deviceId' | 'signer' | 'signature'>, signer: SigningKeyPair): Record<string, unknown> {
  const message = signedBytes(notebookId, record);
  if (!message) throw new RangeError('member record: times must be whole non-negative numbers');
  const fields: Record<string, unknown> = {
    signingPublicKey: toBase64Url(record.signingPublicKey),
    role: record.role,
    addedBy: record.addedBy,
    addedAt: record.addedAt,
    version: record.version,
    sig: toBase64Url(concatBytes(signer.publicKey, sign(signer.secretKey, message))),
  };
  if (record.boxPublicKey) fields['boxPublicKey'] = toBase64Url(record.boxPublicKey);
  if (record.removedAt !== undefined) fields['removedAt'] = record.removedAt;
  if (record.expiresAt !== undefined) fields['expiresAt'] = record.expiresAt;
  if (record.proof !== undefined) fields['proof'] = record.proof;
  return fields;
}

export function fieldsToYMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  for (const [name, value] of Object.entries(fields)) entry.set(name, value);
  return entry;
}

// The list is judged from every stored record, and a member can store thousands: verify each
// signature once per content. Bounded by bytes, oldest out first (clearing it all at a count made
// a list larger than the count verify every record again at every judgement).
const verified = new Map<string, Uint8Array>();
const MEMO_BYTES = 16 * 1024 * 1024;
let memoBytes = 0;

function remember(memo: string, signed: Uint8Array): void {
  verified.set(memo, signed);
  memoBytes += memo.length + signed.length;
  for (const [oldest, value] of verified) {
    if (memoBytes <= MEMO_BYTES) break;
    verified.delete(oldest);
    memoBytes -= oldest.length + value.length;
  }
}

/** Whether the record's signature holds for this notebook (who signed it is the caller's question). */
export function verifyMemberRecord(notebookId: string, record: MemberRecord): boolean {
  if (!record.signer || !record.signature) return false;
  const message = signedBytes(notebookId, record);
  if (!message) return false;
  const memo = toBase64Url(record.signature);
  const seen = verified.get(memo);
  if (seen && bytesEqual(seen, concatBytes(record.signer, message))) return true;
  if (!verifySignature(record.signer, message, record.signature)) return false;
  if (!seen) remember(memo, concatBytes(record.signer, message));
  return true;
}

export const RECORD_DIGEST_BYTES = 32;

/**
 * BLAKE2b-256 of everything the record's signature covers and its signer: what a member-list
 * head vouches for (member-head-codec.ts), so a record at the version a head names counts only
 * if it is exactly the one the head's signer saw (not one a member signed with another box key).
 */
export function memberRecordDigest(notebookId: string, record: MemberRecord): Uint8Array | undefined {
  const message = record.signer ? signedBytes(notebookId, record) : undefined;
  return message && record.signer ? sodium().crypto_generichash(RECORD_DIGEST_BYTES, concatBytes(message, record.signer), null) : undefined;
}

import * as Y from 'yjs';
import { asNotebookKey, bytesEqual, fromBase64Url, newKeyId, randomBytes, toBase64Url, type NotebookKey } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { notebookRoomFromKey, type NotebookRoom } from '../transport/derive-room-id.ts';

/**
 * The plain vault doc (sealed under the vault key like any notebook): the notebook list
 * with each notebook's name and keys, and the public keys of the person's devices.
 */
export interface NotebookInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface NotebookKeys {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, NotebookKey>;
}

function notebooks(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('notebooks');
}

export function devicesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('devices');
}

export function listNotebooks(doc: Y.Doc): NotebookInfo[] {
  const list: NotebookInfo[] = [];
  notebooks(doc).forEach((entry, id) => {
    if (!(entry instanceof Y.Map) || entry.get('deleted') === true) return;
    const name = entry.get('name');
    const createdAt = entry.get('createdAt');
    list.push({ id, name: typeof name === 'string' ? name : '', createdAt: typeof createdAt === 'number' ? createdAt : 0 });
  });
  return list.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** A new notebook with a fresh id and founding key; `founder` is pinned as its founder (members.ts). */
export function addNotebook(doc: Y.Doc, name: string, now = Date.now(), founderSigningPublicKey?: Uint8Array): string {
  const id = toBase64Url(randomBytes(16));
  doc.transact(() => {
    addJoinedNotebook(doc, id, name, newKeyId(), randomBytes(32), now);
    if (founderSigningPublicKey) setNotebookFounder(doc, id, founderSigningPublicKey);
  });
  return id;
}

/**
 * A notebook this vault is joining by invite: no key yet (it arrives sealed to the invite in
 * the box, sync/vault/vault-join.ts), the founder pinned from the signed link and the room
 * to find it in. Refused (false) when the vault holds the notebook already: a link never
 * changes a notebook this vault has (sync/PROTOCOL.md "Joining").
 */
export function addInvitedNotebook(doc: Y.Doc, invite: { id: string; name: string; founderSigningPublicKey: Uint8Array; room: NotebookRoom }, now = Date.now()): boolean {
  const existing = notebooks(doc).get(invite.id);
  if (existing && existing.get('deleted') !== true) return false;
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    entry.set('name', invite.name);
    entry.set('createdAt', now);
    entry.set('keys', new Y.Map<string>());
    const room = new Y.Map<string>();
    room.set('id', invite.room.roomId);
    room.set('password', invite.room.password);
    room.set('presence', toBase64Url(invite.room.presenceKey));
    entry.set('room', room);
    notebooks(doc).set(invite.id, entry);
    setNotebookFounder(doc, invite.id, invite.founderSigningPublicKey);
  });
  return true;
}

/**
 * The seed of a notebook's relay admin key (sync/relay-cap/room-write-keys.ts): only the
 * vault of the notebook's founder has one. Kept in the entry once made, so it outlives a
 * change of vault key; `derive` makes the same seed on every device of the vault, so two
 * devices setting it at once agree.
 */
export function relayAdminSeed(doc: Y.Doc, id: string, derive: () => Uint8Array): Uint8Array | undefined {
  const entry = notebooks(doc).get(id);
  const founder = notebookFounder(doc, id);
  if (!entry || founder === undefined || !devicesMap(doc).has(founder)) return undefined;
  const stored = entry.get('relayAdmin');
  const bytes = typeof stored === 'string' ? fromBase64Url(stored) : undefined;
  if (bytes?.ok && bytes.value.length === 32) return bytes.value;
  const seed = derive();
  entry.set('relayAdmin', toBase64Url(seed));
  return seed;
}

/** Whether the vault holds this notebook (listed, not tombstoned), with or without keys. */
export function holdsNotebook(doc: Y.Doc, id: string): boolean {
  const entry = notebooks(doc).get(id);
  return entry instanceof Y.Map && entry.get('deleted') !== true;
}

export function renameNotebook(doc: Y.Doc, id: string, name: string): void {
  notebooks(doc).get(id)?.set('name', name);
}

export function notebookKeys(doc: Y.Doc, id: string): NotebookKeys | undefined {
  const entry = notebooks(doc).get(id);
  const keys = entry?.get('keys');
  const currentKeyId = entry?.get('currentKeyId');
  if (!(keys instanceof Y.Map) || typeof currentKeyId !== 'string') return undefined;
  const decoded = new Map<string, NotebookKey>();
  keys.forEach((value: unknown, keyId: string) => {
    if (typeof value !== 'string') return;
    const bytes = fromBase64Url(value);
    if (bytes.ok && bytes.value.length === 32) decoded.set(keyId, asNotebookKey(bytes.value));
  });
  return decoded.has(currentKeyId) ? { currentKeyId, keys: decoded } : undefined;
}

export function registerDevice(doc: Y.Doc, deviceId: string, signingPublicKey: Uint8Array, boxPublicKey: Uint8Array, now = Date.now()): void {
  if (devicesMap(doc).has(deviceId)) return;
  const entry = new Y.Map<unknown>();
  entry.set('signingPublicKey', toBase64Url(signingPublicKey));
  entry.set('boxPublicKey', toBase64Url(boxPublicKey));
  entry.set('addedAt', now);
  devicesMap(doc).set(deviceId, entry);
}

/** The signing key the vault doc lists for a device, if it is one and matches the device id. */
export function listedSigningKey(doc: Y.Doc, deviceId: string): Uint8Array | undefined {
  const entry = devicesMap(doc).get(deviceId);
  const signing = entry instanceof Y.Map ? fromBase64Url(String(entry.get('signingPublicKey'))) : undefined;
  return signing?.ok && signing.value.length === 32 && deviceIdFor(signing.value) === deviceId ? signing.value : undefined;
}

/** A listed device's signing and box keys, when both are well formed. */
export function listedDeviceKeys(doc: Y.Doc, deviceId: string): { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array } | undefined {
  const signingPublicKey = listedSigningKey(doc, deviceId);
  const entry = devicesMap(doc).get(deviceId);
  const box = entry instanceof Y.Map ? fromBase64Url(String(entry.get('boxPublicKey'))) : undefined;
  return signingPublicKey && box?.ok && box.value.length === 32 ? { signingPublicKey, boxPublicKey: box.value } : undefined;
}

/**
 * Adds a notebook key (rotation, or one picked up from a member's key envelope) so every
 * device of this vault gets it; `makeCurrent` makes new envelopes use it.
 */
export function addNotebookKey(doc: Y.Doc, id: string, keyId: string, key: Uint8Array, makeCurrent: boolean): boolean {
  const entry = notebooks(doc).get(id);
  const keys = entry?.get('keys');
  if (!entry || !(keys instanceof Y.Map)) return false;
  doc.transact(() => {
    keys.set(keyId, toBase64Url(key));
    // A joined notebook's first key is its current one until key epochs say otherwise.
    if (makeCurrent || typeof entry.get('currentKeyId') !== 'string') entry.set('currentKeyId', keyId);
  });
  return true;
}

/**
 * Records a notebook this vault joined (id, name and key from an invite). Note: the id
 * must be the sharer's, not a fresh one, because every envelope binds the notebook id.
 */
export function addJoinedNotebook(doc: Y.Doc, id: string, name: string, keyId: string, key: Uint8Array, now = Date.now()): void {
  const existing = notebooks(doc).get(id);
  // Joining again after a failed join or a deletion starts a fresh entry (a deletion's
  // tombstone has neither name nor keys); any newer key is picked up from the box again.
  if (existing && existing.get('deleted') !== true) return;
  doc.transact(() => {
    const keys = new Y.Map<string>();
    keys.set(keyId, toBase64Url(key));
    const entry = new Y.Map<unknown>();
    entry.set('name', name);
    entry.set('createdAt', now);
    entry.set('currentKeyId', keyId);
    entry.set('roomKeyId', keyId);
    entry.set('keys', keys);
    notebooks(doc).set(id, entry);
  });
}

/**
 * Which of this person's devices accepted an invite to the notebook: only that one redeems
 * it; the others wait for it to add them (sync/vault/vault-join.ts). Set once.
 */
export function setNotebookAcceptedBy(doc: Y.Doc, id: string, deviceId: string): void {
  const entry = notebooks(doc).get(id);
  if (entry && typeof entry.get('acceptedBy') !== 'string') entry.set('acceptedBy', deviceId);
}

export function notebookAcceptedBy(doc: Y.Doc, id: string): string | undefined {
  const acceptedBy = notebooks(doc).get(id)?.get('acceptedBy');
  return typeof acceptedBy === 'string' ? acceptedBy : undefined;
}

/** Hides a notebook from the list (a join that failed); its keys stay for a later join. */
export function markNotebookDeleted(doc: Y.Doc, id: string): void {
  notebooks(doc).get(id)?.set('deleted', true);
}

/**
 * The key a notebook's room id, room password and presence key derive from: the key it
 * was founded with (the one in its first vault doc entry), never the current one. Rooms must
 * not move on rotation: a device that missed it would wait in the old room while its new key
 * sits in a key envelope in the new one (sync/PROTOCOL.md "Vault sync"). Entries from before
 * `roomKeyId` existed fall back to the current key. Joined notebooks have no founding key:
 * their entry holds the room itself (notebookRoom).
 */
export function notebookRoomKey(doc: Y.Doc, id: string): { keyId: string; key: NotebookKey } | undefined {
  const keys = notebookKeys(doc, id);
  if (!keys) return undefined;
  const roomKeyId = notebooks(doc).get(id)?.get('roomKeyId');
  const keyId = typeof roomKeyId === 'string' && keys.keys.has(roomKeyId) ? roomKeyId : keys.currentKeyId;
  return { keyId, key: keys.keys.get(keyId) as NotebookKey };
}

/** Where the notebook's box meets its peers: stored for a joined notebook, else from its founding key. */
export function notebookRoom(doc: Y.Doc, id: string): NotebookRoom | undefined {
  const entry = notebooks(doc).get(id);
  const room = entry?.get('room');
  if (room instanceof Y.Map) {
    const [roomId, password, presence] = [room.get('id'), room.get('password'), room.get('presence')];
    const presenceKey = typeof presence === 'string' ? fromBase64Url(presence) : undefined;
    if (typeof roomId === 'string' && typeof password === 'string' && presenceKey?.ok && presenceKey.value.length === 32) {
      return { roomId, password, presenceKey: presenceKey.value };
    }
    return undefined;
  }
  const key = notebookRoomKey(doc, id);
  return key && notebookRoomFromKey(key.key, id);
}

/**
 * The founder is the device whose first update may add members while the notebook's
 * member list is still empty (sync/share/members.ts); this vault's devices read it here.
 * Write-once, pinned by public key: a link naming another founder for a notebook this vault
 * holds must change nothing (sync/PROTOCOL.md "Joining"). Returns whether it was set now.
 */
export function setNotebookFounder(doc: Y.Doc, id: string, signingPublicKey: Uint8Array): boolean {
  const entry = notebooks(doc).get(id);
  if (!entry || entry.get('founder') !== undefined) return false;
  doc.transact(() => {
    entry.set('founder', deviceIdFor(signingPublicKey));
    entry.set('founderKey', toBase64Url(signingPublicKey));
  });
  return true;
}

export function notebookFounder(doc: Y.Doc, id: string): string | undefined {
  const founder = notebooks(doc).get(id)?.get('founder');
  return typeof founder === 'string' ? founder : undefined;
}

/**
 * Set once this person's device saw the notebook with owner-signed member records
 * (sync/share/member-authority.ts): from then on its devices count only those, so a member
 * cannot turn the notebook back by writing unsigned ones.
 */
export function setNotebookStrictMembers(doc: Y.Doc, id: string): boolean {
  const entry = notebooks(doc).get(id);
  if (!entry || entry.get('strictMembers') === true) return false;
  entry.set('strictMembers', true);
  return true;
}

export function notebookStrictMembers(doc: Y.Doc, id: string): boolean {
  return notebooks(doc).get(id)?.get('strictMembers') === true;
}

/** The founder's signing key (entries from before it was kept have only the id). */
export function notebookFounderKey(doc: Y.Doc, id: string): Uint8Array | undefined {
  const value = notebooks(doc).get(id)?.get('founderKey');
  const bytes = typeof value === 'string' ? fromBase64Url(value) : undefined;
  const founder = notebookFounder(doc, id);
  return bytes?.ok && bytes.value.length === 32 && founder === deviceIdFor(bytes.value) ? bytes.value : undefined;
}

/** Whether `signingPublicKey` is the founder this vault pinned for the notebook (by key where it has one). */
export function isNotebookFounder(doc: Y.Doc, id: string, signingPublicKey: Uint8Array): boolean {
  const key = notebookFounderKey(doc, id);
  return key ? bytesEqual(key, signingPublicKey) : notebookFounder(doc, id) === deviceIdFor(signingPublicKey);
}

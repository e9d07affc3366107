import * as Y from 'yjs';
import { asNotebookKey, generateBoxKeyPair, generateSigningKeyPair, newKeyId, randomNotebookKey, randomVaultKey, type BoxKeyPair, type SigningKeyPair } from '../../../crypto/index.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { createMutableKeyring, type MutableKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { deviceIdFor, newWriter } from '../../../sync/sealed/writer.ts';
import { addMember, bindMemberPolicy, followMembers, foundMembers, membersMap, memberTrust, signerTrust, type Anchor, type MemberRole } from '../../../sync/share/members.ts';
import { writeMemberHead } from '../../../sync/share/member-head.ts';
import type { HeadRow } from '../../../sync/share/member-head-codec.ts';
import type { SharedNotebook } from '../../../sync/share/rotate-key.ts';
import { guardShareMaps } from '../../../sync/share/share-map-guards.ts';
import { roomMeta, type RoomMeta } from '../../../sync/share/room-meta.ts';
import { notebookRoomFromKey, type NotebookRoom } from '../../../sync/transport/derive-room-id.ts';
import { deviceApprovals, type DeviceApprovals } from '../../../sync/vault/device-approvals.ts';

/** One device of one person: its signing and box key pairs. */
export interface TestDevice {
  readonly deviceId: string;
  readonly signing: SigningKeyPair;
  readonly box: BoxKeyPair;
}

export function newDevice(): TestDevice {
  const signing = generateSigningKeyPair();
  return { deviceId: deviceIdFor(signing.publicKey), signing, box: generateBoxKeyPair() };
}

/**
 * `self`'s approvals (sync/vault/device-approvals.ts) of itself and `others`, as device links
 * leave them, in a vault box of their own: which of a vault doc's devices it adds to notebooks.
 */
export function approvedBy(vaultDoc: Y.Doc, self: TestDevice, ...others: TestDevice[]): DeviceApprovals {
  const approvals = deviceApprovals({ box: new Y.Doc(), doc: vaultDoc, vaultId: newKeyId(), key: randomVaultKey(), slot: (id) => id }, self.signing);
  for (const device of [self, ...others]) approvals.approve(device.signing.publicKey);
  return approvals;
}

export function firstKey(): { keyId: string; key: Uint8Array } {
  return { keyId: newKeyId(), key: randomNotebookKey() };
}

export function keyringWith(...keys: { keyId: string; key: Uint8Array }[]): MutableKeyring {
  const last = keys[keys.length - 1] as { keyId: string };
  return createMutableKeyring(new Map(keys.map((k) => [k.keyId, k.key.slice()])), last.keyId);
}

/** Every replica of a notebook in these tests meets in the same room (its names come from one fixed key). */
export function testRoomOf(id: string): NotebookRoom {
  return notebookRoomFromKey(asNotebookKey(new Uint8Array(32).fill(7)), id);
}

export function testRoom(id: string): RoomMeta {
  return roomMeta(testRoomOf(id));
}

/**
 * A notebook replica trusting the member list, as an app device would open it. `strict`
 * (default): only owner-signed member records count, as in every notebook made by this version.
 * `founder`: its signing key as the app pins it, or (notebooks from before keys were pinned) its id.
 */
export function openReplica(args: { id: string; device: TestDevice; keyring: MutableKeyring; founder: Anchor; vaultDoc?: Y.Doc; box?: Y.Doc; strict?: boolean }): SharedNotebook {
  const plain = new Y.Doc();
  const box = args.box ?? new Y.Doc();
  const meta = testRoom(args.id);
  const revocations = { box, notebookId: args.id, meta };
  const strict = args.strict ?? true;
  bindMemberPolicy(plain, { notebookId: args.id, founder: args.founder, heads: { box, meta }, strict: () => strict });
  const sealed = new SealedDoc({
    docId: args.id,
    plain,
    box,
    keyring: args.keyring,
    writer: newWriter(args.device.signing, meta.slot),
    writerSlot: meta.slot,
    trustSigner: memberTrust(plain, args.founder, revocations),
    coalesceMs: 5,
  });
  followMembers(plain, sealed);
  guardShareMaps(box, plain, args.id, meta, signerTrust(plain, revocations, [args.founder]));
  return { id: args.id, plain, box, sealed, keyring: args.keyring, vaultDoc: args.vaultDoc ?? new Y.Doc(), meta, self: args.device };
}

/** Full-state exchange between every pair of boxes (what a relay or peers eventually do). */
export function syncBoxes(...replicas: { box: Y.Doc }[]): void {
  for (let round = 0; round < 2; round++) {
    for (const from of replicas) for (const to of replicas) if (from !== to) Y.applyUpdate(to.box, Y.encodeStateAsUpdate(from.box, Y.encodeStateVector(to.box)));
  }
}

export function syncDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
}

export const titles = (nb: { plain: Y.Doc }): string[] => readNotes(nb.plain).map((note) => note.title).sort();
export const quarantineCodes = (nb: { sealed: SealedDoc }): string[] => [...nb.sealed.quarantine.values()].map((q) => q.code).sort();

export const memberKeys = (device: TestDevice): { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array } => ({
  signingPublicKey: device.signing.publicKey,
  boxPublicKey: device.box.publicKey,
});

/** A member-list head row for a forged head: a plain member at `version`, vouching for no record that exists. */
export const headRow = (version: number): HeadRow => ({ version, owner: false, removed: false, digest: new Uint8Array(32) });

/** A member record as the version before owner-signed records wrote it: no version, no signature. */
export function unsignedMember(doc: Y.Doc, device: TestDevice, role: string, addedBy: string): void {
  const entry = new Y.Map<unknown>();
  entry.set('signingPublicKey', Buffer.from(device.signing.publicKey).toString('base64url'));
  entry.set('boxPublicKey', Buffer.from(device.box.publicKey).toString('base64url'));
  entry.set('role', role);
  entry.set('addedBy', addedBy);
  entry.set('addedAt', Date.now());
  membersMap(doc).set(device.deviceId, entry);
}

/** Alice founds notebook `id` (owner-signed records) and adds `others` as members; every replica is synced. */
export function notebookWith(id: string, ...others: TestDevice[]) {
  const alice = newDevice();
  const key = firstKey();
  const onAlice = openReplica({ id, device: alice, keyring: keyringWith(key), founder: alice.deviceId });
  foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
  for (const other of others) addMember(onAlice.plain, memberKeys(other), 'member', alice.signing);
  onAlice.sealed.flush();
  const replicas = others.map((device) => openReplica({ id, device, keyring: keyringWith(key), founder: alice.deviceId }));
  syncBoxes(onAlice, ...replicas);
  return { alice, key, onAlice, replicas };
}

/** A notebook `id` from before owner-signed records (lax): founder Alice and member Mallory, unsigned, both replicas synced. */
export function oldNotebookWithMallory(id: string) {
  const [alice, mallory] = [newDevice(), newDevice()];
  const key = firstKey();
  const onAlice = openReplica({ id, device: alice, keyring: keyringWith(key), founder: alice.signing.publicKey, strict: false });
  unsignedMember(onAlice.plain, alice, 'owner', alice.deviceId);
  unsignedMember(onAlice.plain, mallory, 'member', alice.deviceId);
  onAlice.sealed.flush();
  const onMallory = openReplica({ id, device: mallory, keyring: keyringWith(key), founder: alice.signing.publicKey, strict: false });
  syncBoxes(onAlice, onMallory);
  return { alice, mallory, key, onAlice, onMallory };
}

/**
 * Alice founds notebook `id` (owner-signed records, founder pinned by key), signs a record for
 * each [device, role] (an invite open for an hour), writes the first head, and opens a replica
 * of each device; all are synced. `open` opens another replica of the same notebook.
 */
export function foundedWith(id: string, ...members: (readonly [TestDevice, MemberRole])[]) {
  const alice = newDevice();
  const key = firstKey();
  const open = (device: TestDevice): SharedNotebook => openReplica({ id, device, keyring: keyringWith(key), founder: alice.signing.publicKey });
  const onAlice = open(alice);
  foundMembers(onAlice.plain, memberKeys(alice), alice.signing);
  const now = Date.now();
  for (const [device, role] of members) addMember(onAlice.plain, memberKeys(device), role, alice.signing, now, role === 'invite' ? now + 3600_000 : undefined);
  onAlice.sealed.flush();
  writeMemberHead(onAlice);
  const replicas = members.map(([device]) => open(device));
  syncBoxes(onAlice, ...replicas);
  return { alice, key, open, onAlice, replicas };
}

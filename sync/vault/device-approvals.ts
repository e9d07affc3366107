import type * as Y from 'yjs';
import { bytesEqual, concatBytes, lengthPrefixed, sign, utf8, verifySignature, type SigningKeyPair, type VaultKey } from '../../crypto/index.ts';
import { guardAppendOnly } from '../sealed/append-only.ts';
import { sealedMeta, type SealedMeta } from '../sealed/sealed-meta.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { isDeviceRevoked } from '../vault-doc/device-revocations.ts';
import { devicesMap, listedSigningKey } from '../vault-doc/vault-doc.ts';

/**
 * Which devices this device takes for the person's own (sync/PROTOCOL.md "Device approvals").
 *
 * Note: holding the vault key used to be enough to be one of the person's devices: whoever
 * had it (an old header and passphrase, a backup file, a stolen profile) registered fresh
 * device keys in the vault doc, wrote it, and was added to every shared notebook with the
 * adder's role, owner included. Now a device is the person's only through a chain of
 * approvals from this device: Ed25519 signatures "approver approves approvee for this vault",
 * made by the two devices of a device link (each approves the other) and checked by
 * signature, not by who delivered them. A vault-key holder can sign approvals of its own, but
 * none from a device the person uses, so it reaches nobody and nobody reaches it.
 *
 * They live in the vault box, beside the envelopes (map `approvals`), so they are readable
 * before any entry opens: the vault doc's trust depends on them, and a snapshot written by
 * another device cannot be judged by what it holds. Key `slot(approver)/slot(approvee)`,
 * value sealed under a subkey of the vault key (sealed-meta.ts): inner = approver pk (32) ‖
 * approvee pk (32) ‖ Ed25519(approver, lp("obscura/device-approval/v1") ‖ lp(vaultId) ‖
 * approver pk ‖ approvee pk). Append-only. A device's approval of itself says it follows
 * this rule; until a device has one (a vault from before), it trusts any signer as before,
 * and its next open approves every device its vault doc lists then (`adoptListedDevices`).
 */
const MAP = 'approvals';
const DOMAIN = lengthPrefixed(utf8('obscura/device-approval/v1'));
const INNER = 32 + 32 + 64;

export interface DeviceApprovals {
  /** Whether this device has taken up approvals (its own is in the box). */
  readonly strict: boolean;
  /** A device this device takes for the person's: reached by approvals (or any, before `strict`), never a revoked one. */
  approved(deviceId: string): boolean;
  /**
   * The signers of handovers the person refused here (handover-choice.ts): like a revoked
   * device, a refused one neither counts nor passes approval on, so a device the thief linked
   * from the refused phone is not the person's either (review-keep 4).
   */
  refuse(deviceIds: ReadonlySet<string>): void;
  /** This device approves the device with `signingPublicKey` (a device link). */
  approve(signingPublicKey: Uint8Array): void;
  /** Once per vault: approves itself and every device the vault doc lists now (those it trusted until now). */
  adoptListedDevices(): void;
  /** After a vault-key rotation signed out every other device: approvals start again from this one alone. */
  startOver(): void;
  /** Every approval that verifies here (inner bytes), to be sealed again under a new vault key. */
  records(): Uint8Array[];
  /**
   * After one device was removed (the vault key replaced, the others kept): `records` read
   * under the old key, sealed again under this one, leaving out any edge that names a device
   * in `without`. Each is verified again; one that does not is dropped.
   */
  carryOver(records: readonly Uint8Array[], without: ReadonlySet<string>): void;
  /** Called after approvals change (from anywhere). */
  onChange(listener: () => void): () => void;
  stop(): void;
}

export interface ApprovalPlace {
  readonly box: Y.Doc;
  /** The plain vault doc: its device list and revoked devices. */
  readonly doc: Y.Doc;
  readonly vaultId: string;
  readonly key: VaultKey;
  readonly slot: (deviceId: string) => string;
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

export const VAULT_META_DOMAIN = 'obscura/vault-meta/v1';

export function vaultMeta(place: ApprovalPlace): SealedMeta {
  return sealedMeta(place.key, VAULT_META_DOMAIN, place.slot);
}

function signed(vaultId: string, approverPk: Uint8Array, approveePk: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(vaultId)), approverPk, approveePk);
}

/** The edge `value` proves under `mapKey`, or undefined. */
function readEdge(place: ApprovalPlace, meta: SealedMeta, mapKey: string, value: unknown): Edge | undefined {
  const inner = meta.open(MAP, mapKey, value);
  if (!inner) return undefined;
  const edge = verifyInner(place, inner);
  return edge && mapKey === edgeKey(place, edge) ? edge : undefined;
}

function edgeKey(place: ApprovalPlace, edge: Edge): string {
  return `${place.slot(edge.from)}/${place.slot(edge.to)}`;
}

/** The edge an approval's inner bytes prove for this vault, or undefined. */
function verifyInner(place: ApprovalPlace, inner: Uint8Array): (Edge & { inner: Uint8Array }) | undefined {
  if (inner.length !== INNER) return undefined;
  const [approverPk, approveePk] = [inner.subarray(0, 32), inner.subarray(32, 64)];
  if (!verifySignature(approverPk, signed(place.vaultId, approverPk, approveePk), inner.subarray(64))) return undefined;
  return { from: deviceIdFor(approverPk), to: deviceIdFor(approveePk), inner };
}

export function deviceApprovals(place: ApprovalPlace, self: SigningKeyPair, refusedAtStart: ReadonlySet<string> = new Set()): DeviceApprovals {
  const meta = vaultMeta(place);
  let refused = new Set(refusedAtStart);
  const cut = (deviceId: string): boolean => refused.has(deviceId) || isDeviceRevoked(place.doc, deviceId);
  const map = place.box.getMap<Uint8Array>(MAP);
  const selfId = deviceIdFor(self.publicKey);
  const listeners = new Set<() => void>();
  let edges: Map<string, string[]> | undefined;

  const graph = (): Map<string, string[]> => {
    if (edges) return edges;
    edges = new Map();
    map.forEach((value, key) => {
      const edge = readEdge(place, meta, key, value);
      if (edge) edges?.set(edge.from, [...(edges.get(edge.from) ?? []), edge.to]);
    });
    return edges;
  };
  const strict = (): boolean => graph().get(selfId)?.includes(selfId) ?? false;
  const approve = (approveePk: Uint8Array): void => {
    const mapKey = `${place.slot(selfId)}/${place.slot(deviceIdFor(approveePk))}`;
    if (readEdge(place, meta, mapKey, map.get(mapKey))) return;
    const inner = concatBytes(self.publicKey, approveePk, sign(self.secretKey, signed(place.vaultId, self.publicKey, approveePk)));
    map.set(mapKey, meta.seal(MAP, mapKey, inner));
  };
  const onMap = (): void => {
    edges = undefined;
    for (const listener of listeners) listener();
  };
  map.observe(onMap);
  const guard = guardAppendOnly(place.box, map, { authentic: (key, value) => readEdge(place, meta, key, value) !== undefined, mayDelete: () => false });

  return {
    get strict() {
      return strict();
    },
    approved(deviceId) {
      if (deviceId === selfId) return true;
      if (cut(deviceId)) return false;
      if (!strict()) return true;
      // Breadth-first from this device; a revoked or refused device neither counts nor passes approval on.
      const seen = new Set([selfId]);
      const queue = [selfId];
      for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
        for (const next of graph().get(at) ?? []) {
          if (seen.has(next) || cut(next)) continue;
          if (next === deviceId) return true;
          seen.add(next);
          queue.push(next);
        }
      }
      return false;
    },
    refuse(deviceIds) {
      refused = new Set(deviceIds);
      refused.delete(selfId);
      for (const listener of listeners) listener();
    },
    approve,
    adoptListedDevices() {
      if (strict()) return;
      place.box.transact(() => {
        approve(self.publicKey);
        for (const deviceId of devicesMap(place.doc).keys()) {
          const signing = listedSigningKey(place.doc, deviceId);
          if (signing && !isDeviceRevoked(place.doc, deviceId) && !bytesEqual(signing, self.publicKey)) approve(signing);
        }
      });
    },
    startOver() {
      place.box.transact(() => {
        for (const key of [...map.keys()]) map.delete(key);
        approve(self.publicKey);
      });
    },
    records() {
      const out: Uint8Array[] = [];
      map.forEach((value, key) => {
        const inner = meta.open(MAP, key, value);
        if (inner && readEdge(place, meta, key, value)) out.push(inner);
      });
      return out;
    },
    carryOver(records, without) {
      place.box.transact(() => {
        for (const record of records) {
          const edge = verifyInner(place, record);
          if (!edge || without.has(edge.from) || without.has(edge.to)) continue;
          const mapKey = edgeKey(place, edge);
          if (!readEdge(place, meta, mapKey, map.get(mapKey))) map.set(mapKey, meta.seal(MAP, mapKey, record));
        }
        approve(self.publicKey);
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      map.unobserve(onMap);
      guard.stop();
      listeners.clear();
    },
  };
}

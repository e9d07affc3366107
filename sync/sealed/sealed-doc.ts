import * as Y from 'yjs';
import {
  fail,
  forward,
  ok,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  verifyEnvelopeSignature,
  type CryptoErrorCode,
  type EnvelopePurpose,
  type Result,
} from '../../crypto/index.ts';
import { guardAppendOnly, type AppendOnlyGuard } from './append-only.ts';
import { boxMaps, entryKey, parseEntryKey, type EntryKind } from './box-layout.ts';
import type { Keyring } from './keyring.ts';
import { REMOTE_ORIGIN, SEAL_ORIGIN } from './origins.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';
import { deviceIdSlot, signerMatchesWriter, type Writer, type WriterSlot } from './writer.ts';

export type QuarantineCode = CryptoErrorCode | 'E_ENTRY_KEY' | 'E_ENTRY_VALUE' | 'E_SIGNER' | 'E_PAYLOAD' | 'E_UPDATE';

export interface QuarantinedEntry {
  readonly kind: EntryKind;
  readonly key: string;
  readonly code: QuarantineCode;
  readonly message: string;
}

export interface SealedDocOptions {
  /** Bound into every envelope's associated data: an envelope cannot move to another doc. */
  readonly docId: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly keyring: Keyring;
  readonly writer: Writer;
  readonly purposes?: { readonly update: EnvelopePurpose; readonly snapshot: EnvelopePurpose };
  /** Whether a signer that owns its writer slot may write here (shared notebooks check the member list). */
  readonly trustSigner?: (writerId: string, signerPublicKey: Uint8Array) => boolean;
  /** How a device id becomes this doc's writer slot (writer.ts); the device id itself by default. */
  readonly writerSlot?: WriterSlot;
  /** Typing makes many tiny updates; seal them together after this quiet period. */
  readonly coalesceMs?: number;
  readonly compactEntries?: number;
  readonly compactBytes?: number;
  /** Called after a snapshot replaced entries, e.g. to trim the persisted update log. */
  readonly onCompact?: () => void;
}

type Opened = Result<{ update: Uint8Array; covers?: readonly string[] }, QuarantineCode>;

/** What this device can tell about the box being older than the notebook (sync/PROTOCOL.md, "Hostile relay"). */
export interface Staleness {
  readonly code: 'E_STALE_KEY';
  readonly message: string;
}

/**
 * Keeps a plain Y.Doc and its box Y.Doc in step (ARCHITECTURE §3). Local plain updates
 * are coalesced, sealed, signed and put in the box; box entries from disk or peers are
 * verified, opened and applied with REMOTE_ORIGIN. Entries that fail are quarantined:
 * kept in the box, counted, never applied and never thrown.
 */
export class SealedDoc {
  readonly quarantine = new Map<string, QuarantinedEntry>();
  readonly #o: Required<SealedDocOptions>;
  readonly #maps: ReturnType<typeof boxMaps>;
  readonly #applied = new Set<string>();
  /** Box items ("entries:<key>") that an applied snapshot holds: the only ones a remote may delete. */
  readonly #covered = new Set<string>();
  #guards: AppendOnlyGuard[] = [];
  readonly #listeners = new Set<() => void>();
  #pending: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #destroyed = false;

  constructor(options: SealedDocOptions) {
    this.#o = {
      purposes: { update: 'update', snapshot: 'snapshot' },
      trustSigner: () => true,
      writerSlot: deviceIdSlot,
      coalesceMs: 250,
      compactEntries: 300,
      compactBytes: 1 << 20,
      onCompact: () => {},
      ...options,
    };
    this.#maps = boxMaps(options.box);
    this.#processAll();
    this.#guards = (['update', 'snapshot'] as const).map((kind) =>
      guardAppendOnly(options.box, kind === 'update' ? this.#maps.entries : this.#maps.snapshots, {
        authentic: (key, value) => this.#authentic(kind, key, value),
        mayDelete: (key) => this.#covered.has(`${mapName(kind)}:${key}`),
        // A snapshot we cannot open yet may be the one that covers what was deleted. (A v2
        // envelope shows who signed it only to key holders, so any new such snapshot counts;
        // the wait is bounded, so a planted one only delays putting things back.)
        // A snapshot written over a verified one is not it: that one is put back.
        defer: () => [...this.quarantine.values()].some((q) => q.kind === 'snapshot' && q.code === 'E_KEY_UNKNOWN' && !this.#guards[1]?.isWaiting(q.key)),
      }),
    );
    this.#maps.entries.observe(this.#onBoxChange);
    this.#maps.snapshots.observe(this.#onBoxChange);
    options.plain.on('update', this.#onPlainUpdate);
    this.#maybeCompact();
  }

  get writerId(): string {
    return this.#o.writer.writerId;
  }

  /**
   * Set when the box predates a key rotation this device knows of: the keyring's current
   * key came from elsewhere (vault doc, key envelope), yet every entry other writers left
   * that opened here is under an older key. A rotation always leaves a snapshot under the
   * new key (rotate-key.ts), so such a box is an old copy: a relay serving a stale state,
   * or one not caught up yet. Only applied entries count, so forged headers cannot hide it.
   * Read it again after onChange.
   */
  get stale(): Staleness | undefined {
    const { keyId } = this.#o.keyring.current();
    let older = 0;
    for (const kind of ['snapshot', 'update'] as const) {
      const map = kind === 'snapshot' ? this.#maps.snapshots : this.#maps.entries;
      for (const [key, value] of map) {
        if (key.startsWith(`${this.writerId}/`) || !this.#applied.has(`${mapName(kind)}:${key}`)) continue;
        const header = readEnvelopeHeader(value);
        if (!header.ok) continue;
        if (header.value.keyId === keyId) return undefined;
        older++;
      }
    }
    if (older === 0) return undefined;
    return { code: 'E_STALE_KEY', message: `the box holds ${older} entries under older keys and none under the current key ${keyId}` };
  }

  /** Verified box values a peer or relay deleted or overwrote, which this replica put back. */
  get restored(): number {
    return this.#guards.reduce((sum, guard) => sum + guard.restored, 0);
  }

  /** Number of local updates not yet sealed into the box. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Seals what is pending now instead of waiting for the coalescing window. */
  flush(): void {
    if (this.#sealPending()) this.#maybeCompact();
  }

  /**
   * Seals the whole plain state as one snapshot and deletes exactly the box items that
   * were applied into it. Quarantined or not-yet-processed items stay.
   */
  compact(): void {
    this.#sealPending();
    const covers: string[] = [];
    for (const key of this.#maps.entries.keys()) if (this.#applied.has(`entries:${key}`)) covers.push(`entries:${key}`);
    for (const key of this.#maps.snapshots.keys()) if (this.#applied.has(`snapshots:${key}`)) covers.push(`snapshots:${key}`);
    const payload = encodeSnapshot({ covers, update: Y.encodeStateAsUpdate(this.#o.plain) });
    this.#o.box.transact(() => {
      const key = this.#put('snapshot', payload);
      this.#applied.add(`snapshots:${key}`);
      for (const item of covers) {
        this.#covered.add(item);
        const [map, key2] = splitCover(item);
        this.#maps[map].delete(key2);
        this.#applied.delete(item);
      }
    }, SEAL_ORIGIN);
    this.#o.onCompact();
  }

  /**
   * Opens the quarantined entries again (those with one of `codes`, or all). Note: a
   * quarantine can end when the reason does: a key arrives (E_KEY_UNKNOWN) or a signer
   * becomes a member (E_SIGNER, sync/share/members.ts). Safe to call from a plain-doc
   * observer while entries are being applied; it re-enters once per change.
   */
  retryQuarantined(codes?: readonly QuarantineCode[]): void {
    if (this.#destroyed) return;
    const keys: { snapshot: string[]; update: string[] } = { snapshot: [], update: [] };
    for (const entry of this.quarantine.values()) if (!codes || codes.includes(entry.code)) keys[entry.kind].push(entry.key);
    if (keys.snapshot.length + keys.update.length > 0) this.#applyMany(keys);
  }

  /**
   * Entries written before writer slots name the device id itself (sync/PROTOCOL.md "Writers"),
   * which a relay can match across rooms. A compaction replaces every applied one with a
   * snapshot under this doc's slot; quarantined ones stay (they are not covered). True if it
   * compacted. Called once a doc opens on a device that may upgrade it.
   */
  upgradeWriterSlots(): boolean {
    const legacy = (map: 'entries' | 'snapshots'): boolean =>
      [...this.#maps[map].keys()].some((key) => /^[0-9a-f]{32}\./.test(key) && this.#applied.has(`${map}:${key}`));
    if (!legacy('entries') && !legacy('snapshots')) return false;
    this.compact();
    return true;
  }

  /**
   * Seals a snapshot under `keyring.current()` and deletes every applied entry it covers,
   * so after a key rotation the box's readable state is under the new key only. Same as
   * compact(); named for what rotation needs from it.
   */
  rekey(): void {
    this.compact();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.flush();
    this.#destroyed = true;
    for (const guard of this.#guards) guard.stop();
    this.#o.plain.off('update', this.#onPlainUpdate);
    this.#maps.entries.unobserve(this.#onBoxChange);
    this.#maps.snapshots.unobserve(this.#onBoxChange);
    this.#listeners.clear();
  }

  /** Seals pending local updates as one entry; false when there was nothing to seal. */
  #sealPending(): boolean {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return false;
    const update = this.#pending.length === 1 ? (this.#pending[0] as Uint8Array) : Y.mergeUpdates(this.#pending);
    this.#pending = [];
    const key = this.#put('update', update);
    this.#applied.add(`entries:${key}`);
    return true;
  }

  #put(kind: EntryKind, plaintext: Uint8Array): string {
    const { writer, keyring, docId, purposes } = this.#o;
    const seq = ++this.#seq;
    const { keyId, key } = keyring.current();
    const envelope = sealEnvelope({
      key,
      keyId,
      plaintext,
      signer: writer.signer,
      context: { notebookId: docId, writerId: writer.writerId, seq, purpose: purposes[kind] },
    });
    const boxKey = entryKey(writer.writerId, seq);
    const map = kind === 'update' ? this.#maps.entries : this.#maps.snapshots;
    this.#o.box.transact(() => map.set(boxKey, envelope), SEAL_ORIGIN);
    return boxKey;
  }

  readonly #onPlainUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE_ORIGIN || this.#destroyed) return;
    this.#pending.push(update);
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.flush(), this.#o.coalesceMs);
  };

  readonly #onBoxChange = (event: Y.YMapEvent<Uint8Array>, transaction: Y.Transaction): void => {
    if (transaction.origin === SEAL_ORIGIN) return;
    const kind: EntryKind = event.target === this.#maps.snapshots ? 'snapshot' : 'update';
    const changed: string[] = [];
    event.changes.keys.forEach((change, key) => {
      if (change.action !== 'delete') changed.push(key);
      else this.#forget(kind, key);
    });
    this.#applyMany(kind === 'snapshot' ? { snapshot: changed, update: [] } : { snapshot: [], update: changed });
  };

  #processAll(): void {
    this.#applyMany({ snapshot: [...this.#maps.snapshots.keys()], update: [...this.#maps.entries.keys()] });
  }

  #applyMany(keys: { snapshot: string[]; update: string[] }): void {
    const updates: Uint8Array[] = [];
    const opened: string[] = [];
    const covers: (readonly string[] | undefined)[] = [];
    let quarantineChanged = false;
    for (const kind of ['snapshot', 'update'] as const) {
      const map = kind === 'snapshot' ? this.#maps.snapshots : this.#maps.entries;
      for (const key of keys[kind]) {
        const id = `${mapName(kind)}:${key}`;
        this.#applied.delete(id);
        // Put back by a replica that had not seen the snapshot holding it yet: nothing to
        // apply, and the next compaction deletes it again.
        if (this.#covered.has(id)) {
          this.#applied.add(id);
          quarantineChanged = this.quarantine.delete(id) || quarantineChanged;
          continue;
        }
        const result = this.#open(kind, key, map.get(key));
        if (result.ok) {
          updates.push(result.value.update);
          opened.push(id);
          covers.push(result.value.covers);
          quarantineChanged = this.quarantine.delete(id) || quarantineChanged;
        } else {
          this.quarantine.set(id, { kind, key, code: result.error.code, message: result.error.message });
          quarantineChanged = true;
        }
      }
    }
    if (updates.length > 0) this.#applyUpdates(updates, opened, covers);
    if (quarantineChanged || updates.length > 0) {
      for (const guard of this.#guards) guard.recheck();
      for (const listener of this.#listeners) listener();
    }
  }

  /**
   * Applies in one transaction, one update at a time. Merging first (Y.mergeUpdates)
   * re-encodes a multi-megabyte snapshot and doubled the load time; applying one by one
   * also isolates an update Yjs cannot read.
   */
  #applyUpdates(updates: Uint8Array[], ids: string[], covers: (readonly string[] | undefined)[]): void {
    this.#o.plain.transact(() => {
      updates.forEach((update, i) => {
        const id = ids[i] as string;
        try {
          Y.applyUpdate(this.#o.plain, update, REMOTE_ORIGIN);
          this.#applied.add(id);
          for (const covered of covers[i] ?? []) this.#covered.add(covered);
        } catch (error) {
          const [map, key] = splitCover(id);
          const kind: EntryKind = map === 'snapshots' ? 'snapshot' : 'update';
          this.quarantine.set(id, { kind, key, code: 'E_UPDATE', message: `not a Yjs update: ${String(error)}` });
        }
      });
    }, REMOTE_ORIGIN);
  }

  #open(kind: EntryKind, key: string, value: unknown): Opened {
    const parsed = parseEntryKey(key);
    if (!parsed) return fail('E_ENTRY_KEY', `malformed box key "${key.slice(0, 80)}"`);
    if (!(value instanceof Uint8Array)) return fail('E_ENTRY_VALUE', 'box value is not bytes');
    const header = readEnvelopeHeader(value);
    if (!header.ok) return forward(header);
    const key2 = this.#o.keyring.get(header.value.keyId);
    if (!key2) return fail('E_KEY_UNKNOWN', `no key ${header.value.keyId} in this keyring`);
    // A v1 envelope names its signer outside the ciphertext: refuse a stranger before decrypting.
    const outside = header.value.signerPublicKey;
    if (outside && !this.#owns(parsed.writerId, outside)) return fail('E_SIGNER', `signer is not allowed to write as ${parsed.writerId}`);
    const context = { notebookId: this.#o.docId, writerId: parsed.writerId, seq: parsed.seq, purpose: this.#o.purposes[kind] };
    const opened = openEnvelope(value, { key: key2, context });
    if (!opened.ok) return forward(opened);
    if (!this.#owns(parsed.writerId, opened.value.signerPublicKey)) {
      return fail('E_SIGNER', `signer is not allowed to write as ${parsed.writerId}`);
    }
    if (kind === 'update') return ok({ update: opened.value.plaintext });
    const snapshot = decodeSnapshot(opened.value.plaintext);
    if (!snapshot) return fail('E_PAYLOAD', 'snapshot payload is malformed');
    return ok({ update: snapshot.update, covers: snapshot.covers });
  }

  /** The signer owns the writer slot and the doc trusts it. */
  #owns(writerId: string, signerPublicKey: Uint8Array): boolean {
    return signerMatchesWriter(writerId, signerPublicKey, this.#o.writerSlot) && this.#o.trustSigner(writerId, signerPublicKey);
  }

  /**
   * Signed by the owner of its writer slot for exactly this place, whether or not that writer
   * is trusted: v1 shows its signer to anyone; a v2 envelope only to holders of its key.
   */
  #authentic(kind: EntryKind, key: string, value: unknown): boolean {
    const parsed = parseEntryKey(key);
    if (!parsed || !(value instanceof Uint8Array)) return false;
    const context = { notebookId: this.#o.docId, writerId: parsed.writerId, seq: parsed.seq, purpose: this.#o.purposes[kind] };
    const header = readEnvelopeHeader(value);
    if (!header.ok) return false;
    let signer: Uint8Array | undefined;
    if (header.value.signerPublicKey) {
      const verified = verifyEnvelopeSignature(value, context);
      signer = verified.ok ? verified.value.signerPublicKey : undefined;
    } else {
      const key2 = this.#o.keyring.get(header.value.keyId);
      const opened = key2 ? openEnvelope(value, { key: key2, context }) : undefined;
      signer = opened?.ok ? opened.value.signerPublicKey : undefined;
    }
    return signer !== undefined && signerMatchesWriter(parsed.writerId, signer, this.#o.writerSlot);
  }

  #forget(kind: EntryKind, key: string): void {
    const id = `${mapName(kind)}:${key}`;
    this.#applied.delete(id);
    if (this.quarantine.delete(id)) for (const listener of this.#listeners) listener();
  }

  #maybeCompact(): void {
    const { entries } = this.#maps;
    if (entries.size >= this.#o.compactEntries) return this.compact();
    let bytes = 0;
    for (const value of entries.values()) bytes += value instanceof Uint8Array ? value.byteLength : 0;
    if (bytes >= this.#o.compactBytes) this.compact();
  }
}

function mapName(kind: EntryKind): 'entries' | 'snapshots' {
  return kind === 'snapshot' ? 'snapshots' : 'entries';
}

function splitCover(id: string): ['entries' | 'snapshots', string] {
  const i = id.indexOf(':');
  return [id.slice(0, i) === 'snapshots' ? 'snapshots' : 'entries', id.slice(i + 1)];
}

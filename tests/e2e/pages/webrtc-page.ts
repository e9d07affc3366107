/**
 * The page of tests/e2e/webrtc-chunking.test.ts, bundled by esbuild and loaded into two
 * separate browser contexts (two devices: no shared BroadcastChannel). It drives Chromium's
 * own WebRTC through exactly the stack y-webrtc runs (simple-peer's bundle), with and
 * without our chunking, and y-webrtc itself through connectWebrtc.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { asNotebookKey, asPhotoKey, fromBase64Url, generateSigningKeyPair, randomPhotoKey, sodiumReady, toBase64Url } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { createBlobSync, type BlobSync } from '../../../sync/blob/blob-sync.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { createNote, notesMap, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { browserWrtc, chunkingWrtc, type WrtcImplementation } from '../../../sync/transport/chunking-wrtc.ts';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';
import { connectWebrtc } from '../../../sync/transport/webrtc-transport.ts';
import { isPatterned, patterned } from '../../integration/transport/patterned-bytes.ts';

export interface Received {
  readonly length: number;
  sha256: string;
  /** Date.now() at arrival: the test compares it with the sender's clock (one machine). */
  readonly at: number;
}

export interface BoxOptions {
  readonly roomId: string;
  readonly password: string;
  readonly signalingUrl: string;
  /** Entries this device writes before it connects (0 for the joining device). */
  readonly entries: number;
  readonly entryBytes: number;
  readonly chunked: boolean;
}

export interface NotebookOptions {
  readonly notebookId: string;
  /** The notebook key (base64url) and its id: the same on both devices, as after an invite. */
  readonly key: string;
  readonly keyId: string;
  readonly signalingUrl: string;
  /** Notes this device writes before it connects (0 for the new device). */
  readonly notes: number;
}

export interface NotebookState {
  readonly notes: number;
  readonly quarantined: number;
  readonly boxBytes: number;
  readonly peers: number;
  /** Every note i has the title noteTitle(i). */
  readonly titlesRight: boolean;
}

declare global {
  interface Window {
    webrtcPage: typeof webrtcPage;
    /** Exposed by the test: hands this peer's signal data to the other device. */
    sendSignal(json: string): Promise<void>;
  }
}

let peer: SimplePeer | null = null;
const received: Received[] = [];
const errors: string[] = [];
let box: Y.Doc | null = null;
let provider: WebrtcProvider | null = null;
let notebook: { id: string; plain: Y.Doc; box: Y.Doc; sealed: SealedDoc; replication: Replication; blobs: BlobStore; blobSync: BlobSync } | null = null;

const WORDS = 'cat receipt whiteboard roadmap coffee cup motorcycle invoice garden meeting train ticket beach sunset museum'.split(' ');
const noteTitle = (i: number) => `Note ${i}`;

function wrtc(): WrtcImplementation {
  const own = browserWrtc();
  if (!own) throw new Error('no WebRTC in this browser');
  return own;
}

const webrtcPage = {
  openPeer(initiator: boolean, chunked: boolean): void {
    const implementation = chunked ? chunkingWrtc(wrtc()) : wrtc();
    peer = new SimplePeer({ initiator, wrtc: implementation, config: { iceServers: [] } });
    peer.on('signal', (data) => void window.sendSignal(JSON.stringify(data)));
    peer.on('error', (error) => errors.push(error.message));
    peer.on('data', (data) => {
      const entry: Received = { length: data.length, sha256: '', at: Date.now() };
      received.push(entry);
      void crypto.subtle.digest('SHA-256', new Uint8Array(data)).then((d) => (entry.sha256 = hex(new Uint8Array(d))));
    });
  },
  signal(json: string): void {
    peer?.signal(JSON.parse(json) as object);
  },
  connected: (): boolean => peer?.connected ?? false,
  /** Sends patterned(size, seed); returns Date.now() before the send, or the error a send threw. */
  send(size: number, seed: number): { at: number } | { error: string } {
    const bytes = patterned(size, seed);
    const at = Date.now();
    try {
      peer?.send(bytes);
      return { at };
    } catch (error) {
      return { error: String(error) };
    }
  },
  received: () => ({ received, errors, closed: peer?.destroyed ?? true }),

  startBox(options: BoxOptions): void {
    box = new Y.Doc();
    const entries = box.getMap<Uint8Array>('entries');
    box.transact(() => {
      for (let i = 0; i < options.entries; i++) entries.set(String(i), patterned(options.entryBytes, i));
    });
    const settings = { signaling: [options.signalingUrl], password: options.password, peerOpts: { config: { iceServers: [] } } };
    provider = options.chunked
      ? connectWebrtc({ box, roomId: options.roomId, password: options.password, signalingUrls: [options.signalingUrl], iceServers: [] }).provider
      : new WebrtcProvider(options.roomId, box, settings);
  },
  /** The room is open and subscribed on every signaling server: a peer starting now will find it. */
  boxListening: (): boolean => Boolean(provider?.room) && provider!.signalingConns.every((c) => c.connected),
  boxState(): { count: number; bytes: number; connectedPeers: number } {
    const entries = box?.getMap<Uint8Array>('entries');
    let bytes = 0;
    entries?.forEach((value) => (bytes += value.length));
    const conns = provider?.room ? [...provider.room.webrtcConns.values()] : [];
    return { count: entries?.size ?? 0, bytes, connectedPeers: conns.filter((c) => c.connected).length };
  },
  /** Every entry i is exactly patterned(entryBytes, i). */
  boxIntact(count: number, entryBytes: number): boolean {
    const entries = box?.getMap<Uint8Array>('entries');
    if (entries?.size !== count) return false;
    for (let i = 0; i < count; i++) {
      const value = entries.get(String(i));
      if (!(value instanceof Uint8Array) || value.length !== entryBytes || !isPatterned(value, i)) return false;
    }
    return true;
  },
  /**
   * A real sealed notebook: a plain doc of `notes` notes (title, then a body typed in four
   * bursts, as buildNotebooks in tests/bench/sync does), sealed as each is finished under the
   * notebook key, compacted as the app compacts; then replicateBox over WebRTC only (no relay).
   * Returns the box's size in bytes.
   */
  async startNotebook(options: NotebookOptions): Promise<number> {
    await sodiumReady();
    const keyBytes = fromBase64Url(options.key);
    if (!keyBytes.ok) throw new Error('key is not base64url');
    const key = asNotebookKey(keyBytes.value);
    const plain = new Y.Doc();
    const box = new Y.Doc();
    const sealed = new SealedDoc({ docId: options.notebookId, plain, box, keyring: createKeyring(new Map([[options.keyId, key]]), options.keyId), writer: newWriter(generateSigningKeyPair()) });
    const random = seededRandom(42);
    const sentence = (words: number) => Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    for (let i = 0; i < options.notes; i++) {
      const id = createNote(plain, { title: noteTitle(i) });
      let body = '';
      for (let burst = 0; burst < 4; burst++) setNoteText(plain, id, 'body', (body += `${sentence(6)}. `));
      sealed.flush();
    }
    const replication = replicateBox({
      box,
      roomId: deriveRoomId(key, options.notebookId),
      password: deriveRoomPassword(key, options.notebookId),
      settings: { signalingUrls: [options.signalingUrl], iceServers: [] },
    });
    // Blobs in this context's own IndexedDB, moved over the same connections' blob lane.
    const blobs = new BlobStore(new IndexedDbStorageAdapter('webrtc-page-blobs'));
    const blobSync = createBlobSync({ store: blobs, roomId: replication.roomId, lane: replication.blobLane });
    notebook = { id: options.notebookId, plain, box, sealed, replication, blobs, blobSync };
    return Y.encodeStateAsUpdate(box).length;
  },
  /** Stores patterned(bytes, seed) as a photo (and a small thumbnail) of note `note-1`; returns ids and key. */
  async putPhoto(bytes: number, seed: number): Promise<{ photo: string; thumb: string; key: string; size: number }> {
    if (!notebook) throw new Error('start the notebook first');
    const key = randomPhotoKey();
    const { id } = notebook;
    const photo = await notebook.blobs.put(key, photoBlobAd(id, 'note-1', 'photo'), patterned(bytes, seed));
    const thumb = await notebook.blobs.put(key, photoBlobAd(id, 'note-1', 'thumb'), patterned(9_000, seed + 1));
    return { photo: photo.id, thumb: thumb.id, key: toBase64Url(key), size: photo.size };
  },
  /** Wants the thumbnail and the photo from a peer; true if the photo then decrypts to patterned(bytes, seed). */
  async wantPhoto(ids: { photo: string; thumb: string; key: string }, bytes: number, seed: number): Promise<{ ok: boolean; codes: string[]; lanePeers: number }> {
    if (!notebook) throw new Error('start the notebook first');
    const results = await Promise.all([notebook.blobSync.want(ids.thumb, 'thumb'), notebook.blobSync.want(ids.photo, 'photo')]);
    const key = fromBase64Url(ids.key);
    if (!key.ok) throw new Error('bad key');
    const read = await notebook.blobs.readAll(ids.photo, asPhotoKey(key.value), photoBlobAd(notebook.id, 'note-1', 'photo'));
    const expected = patterned(bytes, seed);
    const same = read.ok && read.value.length === expected.length && read.value.every((b, i) => b === expected[i]);
    return { ok: same, codes: results.map((r) => (r.ok ? 'ok' : r.error.code)), lanePeers: notebook.replication.blobLane.peers().length };
  },
  lanePeers: (): number => notebook?.replication.blobLane.peers().length ?? 0,
  /** Notes in the plain doc (cheap enough to poll). */
  notebookNotes: (): number => (notebook ? notesMap(notebook.plain).size : 0),
  notebookState(): NotebookState {
    if (!notebook) return { notes: 0, quarantined: 0, boxBytes: 0, peers: 0, titlesRight: false };
    const notes = readNotes(notebook.plain);
    const titles = new Set(notes.map((note) => note.title));
    return {
      notes: notes.length,
      quarantined: notebook.sealed.quarantine.size,
      boxBytes: Y.encodeStateAsUpdate(notebook.box).length,
      peers: notebook.replication.status().peers,
      titlesRight: notes.every((_, i) => titles.has(noteTitle(i))),
    };
  },
  close(): void {
    notebook?.blobSync.destroy();
    notebook?.replication.destroy();
    notebook?.sealed.destroy();
    peer?.destroy();
    provider?.disconnect();
    provider?.destroy();
  },
};

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

window.webrtcPage = webrtcPage;

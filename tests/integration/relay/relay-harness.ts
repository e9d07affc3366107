import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey } from '../../../crypto/index.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'obscura-relay-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Call after sodiumReady(): one notebook key shared by the devices of a test. */
export function notebookKeyring(): Keyring {
  const keyId = newKeyId();
  return createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
}

export interface Device {
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
  readonly provider: WebsocketProvider;
  destroy(): void;
}

/**
 * A device as the app will be one: a sealed doc whose box (ciphertext only) syncs through
 * the relay with the stock y-websocket client. BroadcastChannel is off: Node has one, and
 * providers in one process would otherwise sync through it instead of the relay.
 */
export function connectDevice(relayUrl: string, roomId: string, keyring: Keyring): Device {
  const plain = new Y.Doc();
  const box = new Y.Doc();
  const sealed = new SealedDoc({ docId: 'nb-relay', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
  const provider = new WebsocketProvider(relayUrl, roomId, box, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return {
    plain,
    box,
    sealed,
    provider,
    destroy() {
      provider.destroy();
      sealed.destroy();
    },
  };
}

/** Resolves when `check` holds, re-checking after every update of `doc` (no polling). */
export function until(doc: Y.Doc, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const onUpdate = () => {
      if (!check()) return;
      doc.off('afterTransaction', onUpdate);
      resolve();
    };
    doc.on('afterTransaction', onUpdate);
  });
}

/** Resolves with the close code and reason the server sent. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/** Paths of every file under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => walk(join(path, name)));
    if (readFileSync(path).includes(bytes)) found.push(path);
  };
  walk(dir);
  return found;
}

export function totalBytes(dir: string): number {
  if (!statSync(dir).isDirectory()) return statSync(dir).size;
  return readdirSync(dir).reduce((sum, name) => sum + totalBytes(join(dir, name)), 0);
}

/**
 * The HTTP status a WebSocket upgrade was refused with, or 0 with the open socket.
 * `origin` is sent as a browser sends it; `localAddress` connects from another loopback
 * address (127.0.0.2), i.e. as another IP.
 */
export function upgradeStatus(url: string, options: { origin?: string; localAddress?: string } = {}): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 0, ws }));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ status: res.statusCode ?? 0, ws });
    });
  });
}

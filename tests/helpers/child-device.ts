/**
 * The common start of a device that runs in its own Node process (two y-webrtc providers
 * for one room cannot share one): a global WebSocket for y-webrtc's signaling client
 * (Node 20 has none), libsodium loaded, and the notebook key handed over in
 * OBSCURA_KEY / OBSCURA_KEY_ID.
 */
import { asNotebookKey, fromBase64Url, sodiumReady, type NotebookKey } from '../../crypto/index.ts';
import { createKeyring, type Keyring } from '../../sync/sealed/keyring.ts';
import { WebSocket } from '../../sync/server/ws-node.ts';

export const env = (name: string): string => process.env[name] ?? '';

export async function childDevice(): Promise<{ notebookKey: NotebookKey; keyring: Keyring }> {
  Object.assign(globalThis, { WebSocket });
  await sodiumReady();
  const keyBytes = fromBase64Url(env('OBSCURA_KEY'));
  if (!keyBytes.ok) throw new Error('OBSCURA_KEY is not base64url');
  const notebookKey = asNotebookKey(keyBytes.value);
  return { notebookKey, keyring: createKeyring(new Map([[env('OBSCURA_KEY_ID'), notebookKey]]), env('OBSCURA_KEY_ID')) };
}

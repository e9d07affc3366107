/**
 * Peer-to-peer catch-up in Node: one process holding an N-note sealed box (p2p-peer.ts)
 * and a new device in another (p2p-joiner.ts), both on replicateBox over WebRTC only
 * (@roamhq/wrtc, chunked data channels, our signaling server). Two y-webrtc providers for
 * one room cannot share a process, and @roamhq/wrtc keeps its process alive, so neither
 * runs here. Timed by the joiner from joining until every note is readable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { newKeyId, randomNotebookKey, toBase64Url } from '../../../crypto/index.ts';

function device(script: string, env: Record<string, string>): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, out: () => out, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

export async function p2pCatchUp(signalingUrl: string, count: number): Promise<{ ms: number }> {
  const keyId = newKeyId();
  const env = { OBSCURA_KEY: toBase64Url(randomNotebookKey()), OBSCURA_KEY_ID: keyId, OBSCURA_SIGNAL: signalingUrl, OBSCURA_NOTES: String(count) };
  const holder = device('./p2p-peer.ts', env);
  try {
    // The joiner starts once the holder has announced itself (y-webrtc's glare weakness, PROTOCOL.md).
    while (!holder.out().includes('ready')) {
      if (holder.child.exitCode !== null) throw new Error(`p2p peer exited ${holder.child.exitCode} before it was ready`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const joiner = device('./p2p-joiner.ts', env);
    if ((await joiner.exited) !== 0) throw new Error('p2p joiner failed');
    const result = JSON.parse(joiner.out().trim()) as { ms: number; quarantined: number };
    if (result.quarantined > 0) throw new Error(`${result.quarantined} entries quarantined`);
    return { ms: result.ms };
  } finally {
    holder.child.stdin?.end();
    await holder.exited;
  }
}

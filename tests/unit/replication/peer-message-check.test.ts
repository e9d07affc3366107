import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { peerMessageProblem } from '../../../sync/replication/peer-message-check.ts';

/** A y-webrtc sync message carrying `update` (sync step 2 or update). */
function syncMessage(update: Uint8Array, step: number = syncProtocol.messageYjsUpdate): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function updateOf(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  write(doc);
  return Y.encodeStateAsUpdate(doc);
}

function awarenessMessage(states: number, stateBytes: number): Uint8Array {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, states);
  for (let i = 0; i < states; i++) {
    encoding.writeVarUint(inner, 1000 + i);
    encoding.writeVarUint(inner, 1);
    encoding.writeVarString(inner, JSON.stringify({ p: 'A'.repeat(stateBytes) }));
  }
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  awareness.destroy();
  return encoding.toUint8Array(encoder);
}

describe('what a WebRTC peer may hand y-webrtc for a box (peer-message-check.ts)', () => {
  it('an honest box update, a state vector, a small presence and the other y-webrtc messages pass', () => {
    const box = new Y.Doc();
    expect(peerMessageProblem(box, syncMessage(updateOf((d) => d.getMap('entries').set('w.1/1', new Uint8Array([1, 2]))), syncProtocol.messageYjsSyncStep2))).toBeUndefined();
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    syncProtocol.writeSyncStep1(step1, box);
    expect(peerMessageProblem(box, encoding.toUint8Array(step1))).toBeUndefined();
    expect(peerMessageProblem(box, awarenessMessage(1, 300))).toBeUndefined();
    expect(peerMessageProblem(box, Uint8Array.of(3))).toBeUndefined();
  });

  it('E_MESSAGE_REFUSED: junk no relay would take, a box grown past a relay room, crowds or giants in awareness, unknown or broken messages', () => {
    const box = new Y.Doc();
    expect(peerMessageProblem(box, syncMessage(updateOf((d) => d.getText('junk').insert(0, 'x'))))).toMatch(/bytes only/);
    expect(peerMessageProblem(box, syncMessage(updateOf((d) => d.getMap('junk').set('k', Uint8Array.of(1)))))).toMatch(/unknown root/);
    expect(peerMessageProblem(box, syncMessage(updateOf((d) => d.getMap('entries').set('k', new Y.Map()))))).toMatch(/bytes only/);
    expect(peerMessageProblem(box, syncMessage(updateOf((d) => d.getArray('entries').push([new Uint8Array(1)]))))).toBeDefined();
    const flood = updateOf((d) => d.transact(() => {
      for (let i = 0; i < 100_001; i++) d.getMap('entries').set(`w.1/${i + 1}`, Uint8Array.of(1));
    }));
    expect(peerMessageProblem(box, syncMessage(flood))).toMatch(/more than 100000 values/);
    expect(peerMessageProblem(box, awarenessMessage(17, 10))).toMatch(/17 clients/);
    expect(peerMessageProblem(box, awarenessMessage(1, 64 * 1024))).toMatch(/larger than a presence/);
    expect(peerMessageProblem(box, Uint8Array.of(9))).toMatch(/unknown message type/);
    expect(peerMessageProblem(box, Uint8Array.of(0, 1, 200))).toMatch(/malformed/);
    expect(peerMessageProblem(box, new Uint8Array(0))).toMatch(/malformed/);
  });
});

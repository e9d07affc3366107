import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { boxUpdateProblem, MAX_BOX_STRUCTS } from '../sealed/box-schema.ts';
import { MAX_PRESENCE_CHARS } from './presence-seal.ts';

/** y-webrtc's message types (y-webrtc.js): what its peers send on the data channel. */
const SYNC = 0;
const AWARENESS = 1;
const QUERY_AWARENESS = 3;
const BC_PEER_ID = 4;
/** One device has a state per tab; a peer speaking for more is not a device. */
const MAX_AWARENESS_CLIENTS = 16;

/**
 * Why a y-webrtc message from a peer must not reach y-webrtc (and the peer is dropped), or
 * undefined. A peer is anyone who knows the room password (removed members, old invite
 * holders); y-webrtc applies what it sends to the box, which persists it and passes it on to
 * the relay. A relay refuses what is not box-shaped, so junk a peer put in the box made the
 * relay close this device's socket at every resync, and stay in the box for good. So an
 * update is checked here before it is applied, as the relay checks it (sync/sealed/
 * box-schema.ts), and one that would take the box past what a relay room holds is refused
 * too; an awareness update may carry a few small states. Throws on nothing.
 */
export function peerMessageProblem(box: Y.Doc, message: Uint8Array): string | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === SYNC) return syncProblem(box, decoder);
    if (type === AWARENESS) return awarenessProblem(decoding.readVarUint8Array(decoder));
    if (type === QUERY_AWARENESS || type === BC_PEER_ID) return undefined;
    return `unknown message type ${type}`;
  } catch (error) {
    return `malformed message: ${String(error).slice(0, 80)}`;
  }
}

function syncProblem(box: Y.Doc, decoder: decoding.Decoder): string | undefined {
  const step = decoding.readVarUint(decoder);
  if (step === syncProtocol.messageYjsSyncStep1) {
    Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    return undefined;
  }
  if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) return `unknown sync step ${step}`;
  const { structs } = Y.decodeUpdate(decoding.readVarUint8Array(decoder));
  const notABox = boxUpdateProblem(box, structs);
  if (notABox) return notABox;
  const fresh = structs.filter((struct) => !(struct instanceof Y.Skip) && struct.id.clock + struct.length > Y.getState(box.store, struct.id.client)).length;
  let held = 0;
  for (const list of box.store.clients.values()) held += list.length;
  return held + fresh > MAX_BOX_STRUCTS ? `the box would hold more than ${MAX_BOX_STRUCTS} values` : undefined;
}

function awarenessProblem(update: Uint8Array): string | undefined {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_CLIENTS) return `awareness for ${count} clients`;
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    if (decoding.readVarString(decoder).length > MAX_PRESENCE_CHARS + 16) return 'an awareness state larger than a presence';
  }
  return undefined;
}

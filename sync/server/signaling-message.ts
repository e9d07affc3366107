import { isRoomId } from './relay/relay-limits.ts';

/**
 * The y-webrtc signaling protocol (its bin/server.js): JSON text frames.
 * Every frame from the network is checked here before the server acts on it.
 */
export type SignalingMessage =
  | { readonly type: 'subscribe' | 'unsubscribe'; readonly topics: readonly string[] }
  | { readonly type: 'publish'; readonly topic: string; readonly data: string }
  | { readonly type: 'ping' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Topics are room ids, i.e. keyed hashes: refusing anything else keeps a client bug from
 * showing the server a readable notebook name.
 */
function isTopic(value: unknown): value is string {
  return typeof value === 'string' && isRoomId(value);
}

/**
 * With its `password` set, y-webrtc sends every payload as base64 of AES-GCM ciphertext;
 * without it, as a JSON object holding SDP and ICE candidates in the clear. Accepting only
 * base64 makes the server refuse a client that forgot the password instead of relaying
 * its network addresses in plaintext.
 */
function isSealedPayload(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

/** Undefined for anything that is not a well-formed signaling message. */
export function parseSignalingMessage(text: string): SignalingMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = value.topics;
      if (!Array.isArray(topics) || !topics.every(isTopic)) return undefined;
      return { type: value.type, topics };
    }
    case 'publish':
      if (!isTopic(value.topic) || !isSealedPayload(value.data)) return undefined;
      return { type: 'publish', topic: value.topic, data: value.data };
    case 'ping':
      return { type: 'ping' };
    default:
      return undefined;
  }
}

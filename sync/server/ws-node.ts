import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as WsModule from 'ws';

/**
 * The `ws` package for Node, loaded with Node's own resolver.
 * Note: under vitest, vite-plugin-solid adds the `browser` resolve condition, which maps
 * `import 'ws'` (and even `require('ws')`) to ws's browser stub, which only throws.
 * Requiring its Node entry by path sidesteps that, so tests run the code `npm start` runs.
 */
const require = createRequire(import.meta.url);
const ws = require(join(dirname(require.resolve('ws/package.json')), 'index.js')) as typeof WsModule;

export const WebSocket = ws.WebSocket;
export type WebSocket = WsModule.WebSocket;
export const WebSocketServer = ws.WebSocketServer;
export type WebSocketServer = WsModule.WebSocketServer;
export type RawData = WsModule.RawData;

/**
 * A frame's bytes as a copy, not a view: Yjs keeps views into the frames it decodes, and a
 * view would pin ws's whole receive buffer in memory for as long as the room lives.
 */
export function copyFrame(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw));
  return raw instanceof ArrayBuffer ? new Uint8Array(raw.slice(0)) : new Uint8Array(raw);
}

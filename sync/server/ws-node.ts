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

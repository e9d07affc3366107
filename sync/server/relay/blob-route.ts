import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ISOLATION_HEADERS } from '../isolation-headers.ts';
import { parseByteRange, parseContentRange } from './blob-files.ts';
import type { BlobStorage } from './blob-storage.ts';

export const BLOB_PATH_PREFIX = '/relay-blobs/';
const BLOB_PATH = /^\/relay-blobs\/([A-Za-z0-9_-]{16,64})\/([0-9a-f]{64})$/;

/**
 * Decides whether a `PUT` may go ahead before its body is read: undefined to go on, or the
 * status and message to refuse it with (a foreign Origin, no write capability, no room left).
 */
export type AdmitPut = (req: IncomingMessage, roomId: string) => { readonly status: number; readonly message: string } | undefined;

/**
 * `PUT|GET|HEAD /relay-blobs/<roomId>/<hash>`: ciphertext in, the same bytes out.
 * A `PUT` with `Content-Range` is one part of a resumable upload (202 + `Upload-Offset`
 * until the last part; 409 + `Upload-Offset` when a part does not start where the relay
 * is); `HEAD` of a blob not yet complete says the offset too. `GET` honours one `Range`.
 * Returns false for paths it does not own, so it can sit in front of the app's assets.
 */
export function handleBlobRequest(store: BlobStorage, admit: AdmitPut, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(BLOB_PATH_PREFIX)) return false;
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const match = BLOB_PATH.exec(path);
  if (!match) {
    reply(req, res, 404, 'expected /relay-blobs/<roomId>/<64 hex hash>');
    return true;
  }
  const [, roomId = '', hash = ''] = match;
  const refused = req.method === 'PUT' ? admit(req, roomId) : undefined;
  if (refused) {
    reply(req, res, refused.status, refused.message);
    return true;
  }
  const work = req.method === 'PUT' ? put(store, roomId, hash, req, res)
    : req.method === 'GET' || req.method === 'HEAD' ? get(store, roomId, hash, req, res)
    : Promise.resolve(reply(req, res, 405, 'use GET, HEAD or PUT', { Allow: 'GET, HEAD, PUT' }));
  work.catch((error: unknown) => {
    console.error(`relay: blob ${req.method} failed: ${String(error)}`);
    if (!res.headersSent) reply(req, res, 500, 'internal error');
    else res.destroy();
  });
  return true;
}

async function put(store: BlobStorage, roomId: string, hash: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = req.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && !Number.isSafeInteger(declared)) return reply(req, res, 400, 'bad Content-Length');
  const rangeHeader = req.headers['content-range'];
  const range = rangeHeader === undefined ? undefined : parseContentRange(rangeHeader);
  if (rangeHeader !== undefined && !range) return reply(req, res, 400, 'expected Content-Range: bytes <start>-<end>/<total>');
  // Not destroying the request on an early stop lets the status reach the client.
  const body = req.iterator({ destroyOnReturn: false });
  const result = range ? await store.putPart(roomId, hash, range, body) : await store.put(roomId, hash, body, declared);
  if (!result.ok) {
    return reply(req, res, result.status, result.message, offsetHeader(result.offset));
  }
  if ('offset' in result) return reply(req, res, 202, 'part stored', { 'Upload-Offset': String(result.offset) });
  reply(req, res, result.created ? 201 : 200, 'stored', { ETag: `"${hash}"` });
}

async function get(store: BlobStorage, roomId: string, hash: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const size = await store.size(roomId, hash);
  if (size === undefined) {
    // Where a resumable upload of this blob stands, so its client can continue there.
    const offset = await store.partialOffset(roomId, hash);
    return reply(req, res, 404, 'no such blob', offsetHeader(offset));
  }
  const range = parseByteRange(req.headers.range, size);
  if (range === 'unsatisfiable') return reply(req, res, 416, 'range not satisfiable', { 'Content-Range': `bytes */${size}` });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(end - start + 1),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    'Accept-Ranges': 'bytes',
    ETag: `"${hash}"`,
    // The name is the hash of the bytes: they can never change.
    'Cache-Control': 'private, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD' || size === 0) return void res.end();
  const source = await store.read(roomId, hash, start, end);
  await pipeline(source instanceof Readable ? source : Readable.from(source), res).catch((error: unknown) => {
    // A client that hangs up mid-download (or right after the last byte) is not an error.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}

function offsetHeader(offset: number | undefined): Record<string, string> {
  return offset === undefined ? {} : { 'Upload-Offset': String(offset) };
}

/**
 * Ends the exchange. When the request body was not read to the end (a refused upload),
 * the connection is closed after the reply instead of reading what the client still sends.
 */
export function reply(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  const unread = req.method === 'PUT' && !req.readableEnded;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...(unread ? { Connection: 'close' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

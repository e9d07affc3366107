import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISOLATION_HEADERS } from '../isolation-headers.ts';
import { reply, type AdmitPut } from './blob-route.ts';
import { CAP_STATEMENT_BYTES } from '../../relay-cap/cap-statement.ts';
import type { RoomPolicies } from './room-caps.ts';

export const CAPS_PATH_PREFIX = '/relay-caps/';
const CAPS_PATH = /^\/relay-caps\/([A-Za-z0-9_-]{16,64})$/;

/**
 * `PUT|GET /relay-caps/<roomId>`: a room's write policy (room-caps.ts). PUT takes the
 * statement as the body (201, 200, 409, 400); GET answers the stored statement
 * (application/octet-stream) or 404. Node's `Date` header on every answer lets a client
 * see the relay's clock, which write tokens are checked against.
 */
export function handleCapsRequest(caps: RoomPolicies, admit: AdmitPut, claimRoom: (roomId: string) => boolean, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(CAPS_PATH_PREFIX)) return false;
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const roomId = CAPS_PATH.exec(path)?.[1];
  const policy = roomId === undefined ? undefined : caps.policy(roomId);
  const refused = roomId !== undefined && req.method === 'PUT' ? admit(req, roomId) : undefined;
  if (roomId === undefined) reply(req, res, 404, 'expected /relay-caps/<roomId>');
  else if (req.method === 'GET' || req.method === 'HEAD') {
    if (!policy) reply(req, res, 404, 'no policy for this room');
    else {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(policy.statement.length), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : policy.statement);
    }
  } else if (req.method !== 'PUT') reply(req, res, 405, 'use GET or PUT', { Allow: 'GET, HEAD, PUT' });
  else if (refused) reply(req, res, refused.status, refused.message);
  else put(caps, roomId, claimRoom, req, res);
  return true;
}

function put(caps: RoomPolicies, roomId: string, claimRoom: (roomId: string) => boolean, req: IncomingMessage, res: ServerResponse): void {
  void readStatement(req)
    .then((body) => (body ? caps.register(roomId, body, () => claimRoom(roomId)) : { status: 400, message: `a statement is ${CAP_STATEMENT_BYTES} bytes` }))
    .then(({ status, message }) => reply(req, res, status, message))
    .catch((error: unknown) => {
      console.error(`relay: policy PUT failed: ${String(error)}`);
      if (!res.headersSent) reply(req, res, 500, 'internal error');
      else res.destroy();
    });
}

/** The body, or undefined as soon as it is longer than a statement (the rest is not read). */
async function readStatement(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    const buffer = chunk as Buffer;
    length += buffer.length;
    if (length > CAP_STATEMENT_BYTES) return undefined;
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesEqual } from '../../../crypto/index.ts';
import { parseCapStatement, type CapPolicy } from '../../relay-cap/cap-statement.ts';
import { isRoomId } from './relay-limits.ts';

export type RegisterResult = { readonly status: 200 | 201 | 400 | 409 | 507; readonly message: string };

/** Each room's write policy, on one node's disk (RoomCaps) or shared by scale-out nodes (pg-room-caps.ts). */
export interface RoomPolicies {
  /** Rooms with a policy (the relay counts them as stored rooms at start). */
  readonly rooms: string[];
  policy(roomId: string): CapPolicy | undefined;
  /** See RoomCaps.register. */
  register(roomId: string, body: Uint8Array, claimRoom: () => boolean): Promise<RegisterResult>;
}

/**
 * Whether `next` may replace `current` as a room's policy (trust on first use, then only
 * the same admin with a higher epoch), as the answer a registration gets; undefined: it may.
 */
export function replacementVerdict(current: CapPolicy | undefined, next: CapPolicy): RegisterResult | undefined {
  if (current && bytesEqual(current.statement, next.statement)) return { status: 200, message: 'already the policy' };
  if (current && !bytesEqual(current.adminPk, next.adminPk)) return { status: 409, message: 'the room has another admin' };
  if (current && next.epoch <= current.epoch) return { status: 409, message: `the room is at epoch ${current.epoch}` };
  return undefined;
}

/**
 * Each room's write policy (sync/relay-cap/cap-statement.ts), one file per room in
 * `<dataDir>/caps/<roomId>` holding the statement as its admin signed it, all of them in
 * memory (133 bytes per room) so every write can be checked against the current one.
 * The first statement for a room is taken as it comes (trust on first use); after that only
 * the same admin with a higher epoch replaces it, so a stranger cannot take a room over and
 * a replayed old statement cannot roll a rotation back.
 */
export class RoomCaps implements RoomPolicies {
  readonly #dir: string;
  readonly #policies = new Map<string, CapPolicy>();
  /** One registration per room at a time (check, then write, then replace). */
  readonly #queues = new Map<string, Promise<unknown>>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Reads every stored policy; a file that no longer verifies is skipped (and logged). */
  static async open(dir: string): Promise<RoomCaps> {
    await mkdir(dir, { recursive: true });
    const caps = new RoomCaps(dir);
    for (const name of await readdir(dir)) {
      if (!isRoomId(name)) continue;
      const parsed = parseCapStatement(name, new Uint8Array(await readFile(join(dir, name))));
      if (parsed.ok) caps.#policies.set(name, parsed.value);
      else console.error(`relay: ignoring the write policy of a room: ${parsed.error.code}`);
    }
    return caps;
  }

  get rooms(): string[] {
    return [...this.#policies.keys()];
  }

  policy(roomId: string): CapPolicy | undefined {
    return this.#policies.get(roomId);
  }

  /**
   * 201 the room's first policy, 200 a newer epoch by the same admin or the same statement
   * again, 409 anything else, 400 a statement that does not verify for this room, 507 a new
   * room when `claimRoom` says the relay holds as many as it may.
   */
  register(roomId: string, body: Uint8Array, claimRoom: () => boolean): Promise<RegisterResult> {
    const previous = this.#queues.get(roomId) ?? Promise.resolve();
    const next = previous.then(() => this.#register(roomId, body, claimRoom));
    const tail = next.catch(() => undefined);
    this.#queues.set(roomId, tail);
    void tail.then(() => {
      if (this.#queues.get(roomId) === tail) this.#queues.delete(roomId);
    });
    return next;
  }

  async #register(roomId: string, body: Uint8Array, claimRoom: () => boolean): Promise<RegisterResult> {
    const parsed = parseCapStatement(roomId, body);
    if (!parsed.ok) return { status: 400, message: `${parsed.error.code}: ${parsed.error.message}` };
    const next = parsed.value;
    const current = this.#policies.get(roomId);
    const refused = replacementVerdict(current, next);
    if (refused) return refused;
    if (!current && !claimRoom()) return { status: 507, message: 'the relay holds as many rooms as it may' };
    await this.#write(roomId, next.statement);
    this.#policies.set(roomId, next);
    return current ? { status: 200, message: `epoch ${next.epoch}` } : { status: 201, message: 'policy registered' };
  }

  /** Written whole and synced before it replaces the old file, so a crash leaves one or the other. */
  async #write(roomId: string, statement: Uint8Array): Promise<void> {
    const path = join(this.#dir, roomId);
    const temp = `${path}.new`;
    const file = await open(temp, 'w');
    try {
      await file.write(statement);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  }
}

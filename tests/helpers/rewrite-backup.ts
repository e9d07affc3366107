import { concatBytes, contentHash, fromHex, readU32be, u32be } from '../../crypto/index.ts';

/** One section of a backup file as it lies in the file (sync/PROTOCOL.md "Encrypted backup"). */
export interface RawSection {
  readonly type: number;
  readonly id: string;
  readonly data: Uint8Array;
}

const PREAMBLE = 12;
const END = 0xff;
/** Count u32be ‖ chain hash: what the END data starts with in every format version. */
const END_CHAIN = 36;

/** The sections before the END marker, the preamble and the END data, read without any check. */
export function splitBackup(bytes: Uint8Array): { preamble: Uint8Array; sections: RawSection[]; end: Uint8Array } {
  const sections: RawSection[] = [];
  let at = PREAMBLE;
  for (;;) {
    const type = bytes[at]!;
    const idLength = bytes[at + 1]!;
    const id = String.fromCharCode(...bytes.subarray(at + 2, at + 2 + idLength));
    const length = readU32be(bytes, at + 2 + idLength);
    const data = bytes.slice(at + 6 + idLength, at + 6 + idLength + length);
    at += 6 + idLength + length + 32;
    if (type === END) return { preamble: bytes.slice(0, PREAMBLE), sections, end: data };
    sections.push({ type, id, data });
  }
}

function section(type: number, id: string, data: Uint8Array): { bytes: Uint8Array; hash: Uint8Array } {
  const body = concatBytes(Uint8Array.of(type, id.length), new TextEncoder().encode(id), u32be(data.length), data);
  const hash = fromHex(contentHash(body));
  if (!hash.ok) throw new Error('content hash is not hex');
  return { bytes: concatBytes(body, hash.value), hash: hash.value };
}

/**
 * What anyone can do to a backup file without its secret: change the sections (`edit`),
 * then recompute every unkeyed hash, the count and the chain in the END marker, and keep
 * whatever else the END data carried as it was. The version in the preamble can be set
 * too, and `end` decides how much of the old END data follows the chain (all by default).
 */
export function rewriteBackup(
  bytes: Uint8Array,
  edit: (sections: RawSection[]) => RawSection[],
  options: { version?: number; endTail?: (tail: Uint8Array) => Uint8Array } = {},
): Uint8Array {
  const { preamble, sections, end } = splitBackup(bytes);
  const written = edit(sections).map((s) => section(s.type, s.id, s.data));
  const chain = fromHex(contentHash(concatBytes(...written.map((w) => w.hash))));
  if (!chain.ok) throw new Error('content hash is not hex');
  const tail = (options.endTail ?? ((t) => t))(end.subarray(END_CHAIN));
  const pre = preamble.slice();
  if (options.version !== undefined) new DataView(pre.buffer).setUint16(8, options.version);
  return concatBytes(pre, ...written.map((w) => w.bytes), section(END, '', concatBytes(u32be(written.length), chain.value, tail)).bytes);
}

import type { ByteSource } from '../../sync/backup/backup-reader.ts';

/**
 * Gathers written parts into a Blob in steps: once a few MB are pending they are folded
 * into the Blob (which the browser may keep on disk), so a large export is not held in
 * memory as parts and as a Blob at once.
 */
export class BlobBuilder {
  #blob = new Blob([]);
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  readonly #type: string;

  constructor(type: string) {
    this.#type = type;
  }

  push(part: Uint8Array): void {
    // Copy: writers reuse their buffers, and a Blob part must own its bytes.
    this.#pending.push(new Uint8Array(part));
    this.#pendingBytes += part.length;
    if (this.#pendingBytes >= 8 << 20) this.#fold();
  }

  finish(): Blob {
    this.#fold();
    return this.#blob;
  }

  #fold(): void {
    this.#blob = new Blob([this.#blob, ...this.#pending], { type: this.#type });
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

/** A picked file read by slices, never whole. */
export function fileSource(file: Blob): ByteSource {
  return { size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

/** Saves a Blob through an object URL and <a download>; the URL is revoked after the click. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the URL by the next task; revoking later is safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

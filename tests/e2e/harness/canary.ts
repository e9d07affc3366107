/**
 * Zero-plaintext checks: a marker must not appear in bytes that left a device, neither as
 * UTF-8 nor base64/base64url-encoded at any of the three alignments (signaling JSON could
 * carry bytes as base64).
 */
export function markerForms(marker: string): Buffer[] {
  const raw = Buffer.from(marker, 'utf8');
  const forms = [raw];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // Drop the characters that depend on the padding bytes around the marker.
    const inner = b64.slice(Math.ceil((shift * 4) / 3) + 1, -4);
    if (inner.length >= 8) {
      forms.push(Buffer.from(inner, 'latin1'));
      forms.push(Buffer.from(inner.replace(/\+/g, '-').replace(/\//g, '_'), 'latin1'));
    }
  }
  return forms;
}

/** Windows of a file's plaintext: the head, the middle and every 4 KiB. */
export function plaintextWindows(bytes: Uint8Array, size = 64): Buffer[] {
  const windows: Buffer[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += 4096) windows.push(Buffer.from(bytes.subarray(offset, offset + size)));
  const middle = Math.floor(bytes.length / 2);
  windows.push(Buffer.from(bytes.subarray(middle, middle + size)));
  return windows;
}

export interface CanaryReport {
  scannedItems: number;
  scannedBytes: number;
  hits: string[];
}

/** Looks for every needle in every haystack; a hit names where and which. */
export function scan(report: CanaryReport, where: string, haystacks: readonly Uint8Array[], needles: ReadonlyMap<string, readonly Buffer[]>): void {
  haystacks.forEach((bytes, i) => {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    report.scannedItems++;
    report.scannedBytes += buf.length;
    for (const [name, forms] of needles) if (forms.some((form) => buf.includes(form))) report.hits.push(`${where}[${i}]: ${name}`);
  });
}

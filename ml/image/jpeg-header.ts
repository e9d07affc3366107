/**
 * Walk JPEG marker segments up to the first start-of-frame, reading the frame
 * size and the EXIF orientation tag on the way. Returns null when the frame
 * header is missing (truncated or not really a JPEG). Only headers are read;
 * entropy-coded data comes after SOF and is never touched.
 */
export function readJpegHeader(b: Uint8Array): { width: number; height: number; orientation: number } | null {
  let orientation = 1;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Standalone markers (TEM, RSTn) have no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or scan before any frame
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    const body = at + 4;
    if (len < 2 || at + 2 + len > b.length) return null;
    if (isStartOfFrame(marker)) {
      if (len < 7) return null;
      const height = (b[body + 1]! << 8) | b[body + 2]!;
      const width = (b[body + 3]! << 8) | b[body + 4]!;
      return { width, height, orientation };
    }
    if (marker === 0xe1) orientation = exifOrientation(b.subarray(body, at + 2 + len)) ?? orientation;
    at += 2 + len;
  }
  return null;
}

/** SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (JPG) and CC (DAC) share the range. */
function isStartOfFrame(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

/** Orientation (tag 0x0112) from IFD0 of an APP1 "Exif\0\0" payload. */
function exifOrientation(app1: Uint8Array): number | null {
  if (app1.length < 14 || String.fromCharCode(...app1.subarray(0, 6)) !== 'Exif\0\0') return null;
  const t = app1.subarray(6);
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return null;
  const u16 = (i: number): number => (little ? t[i]! | (t[i + 1]! << 8) : (t[i]! << 8) | t[i + 1]!);
  const u32 = (i: number): number =>
    little
      ? (t[i]! | (t[i + 1]! << 8) | (t[i + 2]! << 16) | (t[i + 3]! << 24)) >>> 0
      : ((t[i]! << 24) | (t[i + 1]! << 16) | (t[i + 2]! << 8) | t[i + 3]!) >>> 0;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return null;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return null;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}

/** Orientations 5-8 store the picture on its side: width and height swap. */
export function orientationSwapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

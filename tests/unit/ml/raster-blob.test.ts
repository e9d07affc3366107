import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_MIMES } from '../../../ml/image/sniff.ts';
import { PHOTO_MIMES } from '../../../sync/notebook/photos.ts';
import { rasterBlob } from '../../../ml/image/raster-blob.ts';

const PHOTOS = join(process.cwd(), 'tests/fixtures/photos');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="9" height="9"/></svg>';
const bytes = (b: Uint8Array | string): Uint8Array<ArrayBuffer> => (typeof b === 'string' ? new TextEncoder().encode(b) : Uint8Array.from(b));

describe('rasterBlob: a decrypted photo is typed by its own bytes', () => {
  it('JPEG, PNG, WebP and GIF get their own type, whatever the record said', async () => {
    const pixel = sharp({ create: { width: 3, height: 2, channels: 3, background: '#c00' } });
    const cases: [Uint8Array, string][] = [
      [readFileSync(join(PHOTOS, 'chelsea.jpg')), 'image/jpeg'],
      [await pixel.clone().png().toBuffer(), 'image/png'],
      [await pixel.clone().webp().toBuffer(), 'image/webp'],
      [await pixel.clone().gif().toBuffer(), 'image/gif'],
    ];
    for (const [image, type] of cases) {
      const shown = rasterBlob(bytes(image));
      expect(shown.ok && shown.blob.type, type).toBe(type);
      if (shown.ok) expect(shown.blob.size).toBe(image.length);
    }
  });

  it('an SVG (bare, with an XML declaration, with a byte-order mark or leading space) or an HTML page is never given a type to render', () => {
    for (const text of [SVG, `<?xml version="1.0"?>\n${SVG}`, `\uFEFF${SVG}`, `  \n${SVG}`, `<!doctype html><html><body>${SVG}</body></html>`]) {
      const shown = rasterBlob(bytes(text));
      expect(shown.ok, text.slice(0, 20)).toBe(false);
      if (!shown.ok) expect(shown.message).toMatch(/not a JPEG, PNG, WebP or GIF image/);
    }
    const svg = rasterBlob(bytes(SVG));
    expect(svg.ok ? 'shown' : svg.message).toMatch(/an SVG drawing/);
  });

  it('a GIF header with an SVG behind it is typed image/gif, which no browser renders as SVG', () => {
    const polyglot = bytes(`GIF89a\x01\x00\x01\x00${SVG}`);
    const shown = rasterBlob(polyglot);
    expect(shown.ok && shown.blob.type).toBe('image/gif');
  });

  it('the record check (sync/notebook/photos.ts) allows exactly the types the sniffer gives', () => {
    expect([...PHOTO_MIMES].sort()).toEqual(Object.values(IMAGE_MIMES).sort());
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import type { RgbaImage } from '../../../ml/image/rgba-image.ts';

const PHOTOS = join(import.meta.dirname, '../../fixtures/photos');
const BIG = { maxPixels: 50_000_000 };

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(i, i + 4));
}

describe('decodeNode', () => {
  const fixtures = readdirSync(PHOTOS).filter((f) => /\.(jpe?g|png|webp|gif)$/i.test(f));

  it.each(fixtures)('decodes fixture %s', async (name) => {
    const bytes = readFileSync(join(PHOTOS, name));
    const meta = await sharp(bytes).metadata();
    const r = await decodeNode(bytes, BIG);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.image.width, r.image.height]).toEqual([meta.width, meta.height]);
    expect(r.image.data.length).toBe(meta.width * meta.height * 4);
    expect([r.originalWidth, r.originalHeight]).toEqual([meta.width, meta.height]);
  });

  it.each(['png', 'webp', 'gif'] as const)('decodes %s made from a fixture', async (format) => {
    const bytes = await sharp(join(PHOTOS, 'chelsea.jpg')).toFormat(format).toBuffer();
    const r = await decodeNode(bytes, BIG);
    expect(r.ok && [r.image.width, r.image.height]).toEqual([451, 300]);
  });

  it('downscales during decode to the pixel budget, keeping aspect', async () => {
    const bytes = readFileSync(join(PHOTOS, 'coffee.jpg')); // 600x400
    const r = await decodeNode(bytes, { maxPixels: 6000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.image.width * r.image.height).toBeLessThanOrEqual(6000);
    expect(r.image.width).toBe(94);
    expect(r.image.height).toBe(63);
    expect([r.originalWidth, r.originalHeight]).toEqual([600, 400]);
  });

  it('applies EXIF orientation (stored on its side, tag 6) so the image comes out upright', async () => {
    // Upright 40x20: left half red, right half blue. Stored rotated 90 degrees
    // counter-clockwise with orientation 6 ("rotate 90 CW to display").
    const upright = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 40; x++) upright.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
    }
    const stored = await sharp(upright, { raw: { width: 40, height: 20, channels: 3 } }).rotate(-90).raw().toBuffer();
    const jpeg = await sharp(stored, { raw: { width: 20, height: 40, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const r = await decodeNode(jpeg, BIG);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.image.width, r.image.height, r.originalWidth, r.originalHeight]).toEqual([40, 20, 40, 20]);
    const left = pixel(r.image, 5, 10);
    const right = pixel(r.image, 35, 10);
    expect(left[0]).toBeGreaterThan(200);
    expect(left[2]).toBeLessThan(60);
    expect(right[2]).toBeGreaterThan(200);
    expect(right[0]).toBeLessThan(60);
  });

  it('E_IMAGE_CORRUPT for a truncated JPEG', async () => {
    const bytes = readFileSync(join(PHOTOS, 'coffee.jpg'));
    const r = await decodeNode(bytes.subarray(0, bytes.length >> 1), BIG);
    expect(r.ok === false && r.code).toBe('E_IMAGE_CORRUPT');
  });

  it('E_IMAGE_CORRUPT for a 0-byte file', async () => {
    const r = await decodeNode(new Uint8Array(0), BIG);
    expect(r.ok === false && r.code).toBe('E_IMAGE_CORRUPT');
  });

  it('E_IMAGE_UNSUPPORTED for random bytes, a PDF and an SVG', async () => {
    // Seeded LCG so a failure replays exactly.
    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    for (const bytes of [random, pdf, svg]) {
      const r = await decodeNode(bytes, BIG);
      expect(r.ok === false && r.code).toBe('E_IMAGE_UNSUPPORTED');
    }
  });

  it('E_IMAGE_TOO_LARGE when the header claims more than maxInputPixels', async () => {
    const bytes = readFileSync(join(PHOTOS, 'coffee.jpg'));
    const r = await decodeNode(bytes, { maxPixels: 1e6, maxInputPixels: 100_000 });
    expect(r.ok === false && r.code).toBe('E_IMAGE_TOO_LARGE');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../../ml/image/sniff.ts';

const PHOTOS = join(import.meta.dirname, '../../fixtures/photos');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sniffImage', () => {
  it('reads JPEG and PNG fixture sizes from their headers', () => {
    expect(sniffImage(readFileSync(join(PHOTOS, 'coffee.jpg')))).toMatchObject({ ok: true, format: 'jpeg', width: 600, height: 400, orientation: 1 });
    expect(sniffImage(readFileSync(join(PHOTOS, 'page.png')))).toMatchObject({ ok: true, format: 'png', width: 384, height: 191 });
  });

  it.each([
    ['webp lossy', { lossless: false }],
    ['webp lossless', { lossless: true }],
  ] as const)('reads %s sizes', async (_name, opts) => {
    const bytes = await sharp(join(PHOTOS, 'chelsea.jpg')).resize(123, 77, { fit: 'fill' }).webp(opts).toBuffer();
    expect(sniffImage(bytes)).toMatchObject({ ok: true, format: 'webp', width: 123, height: 77 });
  });

  it('reads extended WebP (VP8X, with alpha) and GIF sizes', async () => {
    const rgba = await sharp(join(PHOTOS, 'chelsea.jpg')).resize(50, 31, { fit: 'fill' }).ensureAlpha(0.5);
    expect(sniffImage(await rgba.clone().webp().toBuffer())).toMatchObject({ ok: true, format: 'webp', width: 50, height: 31 });
    expect(sniffImage(await rgba.clone().gif().toBuffer())).toMatchObject({ ok: true, format: 'gif', width: 50, height: 31 });
  });

  it('reads the EXIF orientation of a JPEG', async () => {
    const bytes = await sharp(join(PHOTOS, 'chelsea.jpg')).withMetadata({ orientation: 8 }).jpeg().toBuffer();
    expect(sniffImage(bytes)).toMatchObject({ ok: true, width: 451, height: 300, orientation: 8 });
  });

  it('E_IMAGE_CORRUPT for empty input and for a JPEG cut before its frame header', () => {
    expect(sniffImage(new Uint8Array(0))).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
    const jpeg = readFileSync(join(PHOTOS, 'coffee.jpg'));
    expect(sniffImage(jpeg.subarray(0, 30))).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
    expect(sniffImage(readFileSync(join(PHOTOS, 'page.png')).subarray(0, 16))).toMatchObject({ ok: false, code: 'E_IMAGE_CORRUPT' });
  });

  it.each([
    ['PDF', text('%PDF-1.4\n%âãÏÓ\n'), /PDF/],
    ['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), /SVG/],
    ['HEIC', Uint8Array.from([0, 0, 0, 24, ...text('ftypheic'), 0, 0, 0, 0]), /HEIC/],
    ['TIFF', Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), /TIFF/],
    ['plain text', text('hello, world'), /unrecognised/],
  ])('E_IMAGE_UNSUPPORTED for %s, saying what it is', (_name, bytes, what) => {
    const r = sniffImage(bytes);
    expect(r).toMatchObject({ ok: false, code: 'E_IMAGE_UNSUPPORTED' });
    expect(r.ok === false && r.message).toMatch(what);
  });
});

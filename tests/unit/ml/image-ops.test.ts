import { describe, expect, it } from 'vitest';
import { cropImage } from '../../../ml/image/crop-image.ts';
import { cropQuad } from '../../../ml/image/crop-quad.ts';
import { cropStrip } from '../../../ml/image/crop-strip.ts';
import { resizeImage } from '../../../ml/image/resize-image.ts';
import { createRgbaImage, type RgbaImage } from '../../../ml/image/rgba-image.ts';
import { rotateImage } from '../../../ml/image/rotate-image.ts';

/** Each pixel's red channel encodes its index, so moves are easy to check. */
function indexed(width: number, height: number): RgbaImage {
  const img = createRgbaImage(width, height);
  for (let i = 0; i < width * height; i++) img.data.set([i, 0, 0, 255], i * 4);
  return img;
}
const reds = (img: RgbaImage): number[] => Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 4]!);

describe('image operations', () => {
  it('rotates by quarter turns clockwise', () => {
    const img = indexed(3, 2); // 0 1 2 / 3 4 5
    expect(reds(rotateImage(img, 90))).toEqual([3, 0, 4, 1, 5, 2]);
    expect(reds(rotateImage(img, 180))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(reds(rotateImage(img, 270))).toEqual([2, 5, 1, 4, 0, 3]);
    expect(rotateImage(img, 90)).toMatchObject({ width: 2, height: 3 });
  });

  it('crops and clips to the image', () => {
    const img = indexed(4, 3);
    expect(reds(cropImage(img, { x: 1, y: 1, width: 2, height: 2 }))).toEqual([5, 6, 9, 10]);
    expect(cropImage(img, { x: -5, y: 2, width: 100, height: 100 })).toMatchObject({ width: 4, height: 1 });
    expect(() => cropImage(img, { x: 10, y: 0, width: 2, height: 2 })).toThrow(RangeError);
  });

  it('resizes bilinearly when enlarging and area-averages when shrinking a lot', () => {
    const img = createRgbaImage(2, 1);
    img.data.set([0, 0, 0, 255, 200, 0, 0, 255]);
    expect(reds(resizeImage(img, 4, 1))).toEqual([0, 50, 150, 200]);
    // 1-pixel stripes shrunk 4x: area gives the mean everywhere; bilinear would alias.
    const stripes = createRgbaImage(16, 1);
    for (let x = 0; x < 16; x++) stripes.data.set([x % 2 ? 255 : 0, 0, 0, 255], x * 4);
    expect(reds(resizeImage(stripes, 4, 1))).toEqual([128, 128, 128, 128]);
  });

  it('cropQuad of the full image is the identity, and of a rotated square un-rotates it', () => {
    const img = indexed(5, 4);
    expect(reds(cropQuad(img, [[0, 0], [5, 0], [5, 4], [0, 4]]))).toEqual(reds(img));
    // Corners listed starting at the top-right: the right column becomes the top
    // row, i.e. the crop comes out turned counter-clockwise (270 clockwise).
    const turned = cropQuad(img, [[5, 0], [5, 4], [0, 4], [0, 0]]);
    expect(turned).toMatchObject({ width: 4, height: 5 });
    expect(reds(turned)).toEqual(reds(rotateImage(img, 270)));
  });

  it('cropQuad straightens a tilted rectangle', () => {
    // A 40x10 bright bar drawn tilted by 30 degrees on black.
    const img = createRgbaImage(100, 100);
    const a = Math.PI / 6;
    const [c, s] = [Math.cos(a), Math.sin(a)];
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const u = (x + 0.5 - 50) * c + (y + 0.5 - 50) * s;
        const v = -(x + 0.5 - 50) * s + (y + 0.5 - 50) * c;
        if (Math.abs(u) < 20 && Math.abs(v) < 5) img.data.set([255, 255, 255, 255], (y * 100 + x) * 4);
      }
    }
    const at = (u: number, v: number): [number, number] => [50 + u * c - v * s, 50 + u * s + v * c];
    const out = cropQuad(img, [at(-20, -5), at(20, -5), at(20, 5), at(-20, 5)]);
    expect(out).toMatchObject({ width: 40, height: 10 });
    const mean = reds(out).reduce((p, q) => p + q, 0) / (40 * 10);
    expect(mean).toBeGreaterThan(200);
  });

  it('cropStrip of a chain of axis-aligned quads is the same as one crop of their union', () => {
    const img = indexed(6, 3);
    const strip = cropStrip(img, [
      [[0, 0], [2, 0], [2, 3], [0, 3]],
      [[2, 0], [3, 0], [3, 3], [2, 3]],
      [[3, 0], [6, 0], [6, 3], [3, 3]],
    ]);
    expect(reds(strip)).toEqual(reds(img));
  });

  it('cropStrip flattens a staircase band', () => {
    // Rows 0-1 of columns 0-3 and rows 2-3 of columns 4-7 are white: a band that steps down.
    const img = createRgbaImage(8, 4);
    for (let x = 0; x < 8; x++) for (const y of x < 4 ? [0, 1] : [2, 3]) img.data.set([255, 255, 255, 255], (y * 8 + x) * 4);
    const flat = cropStrip(img, [
      [[0, 0], [4, 0], [4, 2], [0, 2]],
      [[4, 2], [8, 2], [8, 4], [4, 4]],
    ]);
    expect(flat).toMatchObject({ width: 8, height: 2 });
    expect(reds(flat).every((v) => v === 255)).toBe(true);
  });
});

import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import { runOcr } from '../../../ml/ocr/ocr-pipeline.ts';
import { loadTagModels, type TagModels } from '../../../ml/cli/tag-cli-models.ts';

let models: TagModels;
beforeAll(async () => {
  models = await loadTagModels(join(process.cwd(), 'models'));
}, 120_000);
afterAll(() => models.release());

/** A real sign photo of the eval set's tuned part, made small, grey and tilted as issue 16 describes. */
async function smallGreyTilted(file: string, width: number, degrees: number) {
  const bytes = await sharp(join('tests/fixtures/eval', file)).grayscale().resize(width).rotate(degrees, { background: '#808080' }).jpeg({ quality: 80 }).toBuffer();
  const decoded = await decodeNode(new Uint8Array(bytes), { maxPixels: 4_000_000 });
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.image;
}

describe('text in small real photos (issue 16 §1)', () => {
  it('reads a tilted sign in a 320 px grey photo, with boxes in that photo\'s pixels', async () => {
    const image = await smallGreyTilted('opencv-scenetext05.jpg', 320, 10);
    const { lines } = await runOcr(image, models.ocr);
    expect(lines.map((l) => l.text)).toContain('NO PARKING');
    for (const l of lines) for (const [x, y] of l.box) {
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThanOrEqual(image.width + 2);
      expect(y).toBeGreaterThanOrEqual(-2);
      expect(y).toBeLessThanOrEqual(image.height + 2);
    }
  }, 60_000);
});

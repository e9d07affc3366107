import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import type { RgbaImage } from '../../../ml/image/rgba-image.ts';

export const PHOTOS = join(process.cwd(), 'tests', 'fixtures', 'photos');

/** Decodes a committed fixture photo to RGBA with the app's Node decoder. */
export async function loadPhoto(file: string): Promise<RgbaImage> {
  const decoded = await decodeNode(new Uint8Array(await readFile(join(PHOTOS, file))), { maxPixels: 4_000_000 });
  if (!decoded.ok) throw new Error(`${file}: ${decoded.code} ${decoded.message}`);
  return decoded.image;
}

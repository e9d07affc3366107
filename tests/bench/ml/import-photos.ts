import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { PHOTOS } from './bench-inputs.ts';

const BENCH_PHOTOS = join(import.meta.dirname, 'photos');

/** One photo of the import bench: a name (the note's title) and its JPEG bytes. */
export interface ImportPhoto {
  readonly name: string;
  readonly bytes: Buffer;
}

interface Recipe {
  readonly source: string;
  /** Part of the source to keep, as fractions [left, top, width, height]; the whole when absent. */
  readonly crop?: readonly [number, number, number, number];
  readonly mirror?: boolean;
  readonly portrait?: boolean;
  /** EXIF orientation 6, as a phone held upright writes it: stored landscape, shown portrait. */
  readonly rotated?: boolean;
}

/**
 * Twenty photos of mixed content (people, animals, things, vehicles, printed text,
 * space, medicine, textures): the six fixture photos (tests/fixtures/photos/LICENSE.md)
 * and the eight of tests/bench/ml/photos/LICENSE.md, whole or cropped, mirrored or not.
 */
const RECIPES: readonly Recipe[] = [
  { source: 'fixtures/astronaut.jpg', portrait: true },
  { source: 'fixtures/chelsea.jpg' },
  { source: 'fixtures/coffee.jpg' },
  { source: 'fixtures/motorcycle_left.jpg' },
  { source: 'fixtures/page.png', portrait: true },
  { source: 'fixtures/text-card.jpg' },
  { source: 'bench/rocket.jpg', portrait: true },
  { source: 'bench/coins.jpg' },
  { source: 'bench/camera.jpg' },
  { source: 'bench/motorcycle_right.jpg' },
  { source: 'bench/hubble_deep_field.jpg' },
  { source: 'bench/retina.jpg', rotated: true },
  { source: 'bench/clock_motion.jpg' },
  { source: 'bench/immunohistochemistry.jpg' },
  { source: 'fixtures/astronaut.jpg', crop: [0.1, 0, 0.8, 0.7], mirror: true },
  { source: 'fixtures/chelsea.jpg', crop: [0.2, 0, 0.7, 0.9], rotated: true },
  { source: 'fixtures/coffee.jpg', crop: [0, 0.1, 0.8, 0.8], mirror: true },
  { source: 'fixtures/page.png', crop: [0, 0, 1, 0.5] },
  { source: 'bench/rocket.jpg', crop: [0.3, 0, 0.6, 1], mirror: true },
  { source: 'bench/motorcycle_right.jpg', crop: [0.1, 0.1, 0.8, 0.8], mirror: true },
];

/** 2448 x 1632 = 3.99 MP: a 4-MP camera frame, just under the tagger's 4,000,000-pixel budget. */
const LONG = 2448;
const SHORT = 1632;

/**
 * Deterministic grain (xorshift32, amplitude +-11): an upscaled small photo is smoother than a
 * camera's and would encode to a third of a real JPEG's bytes; grain brings bytes per pixel
 * (about 1 MB per photo at quality 90) and entropy-decoding cost near what a phone writes.
 */
function addGrain(pixels: Buffer, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const v = pixels[i]! + ((s & 31) - 15.5) * 0.7;
    pixels[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

async function make(recipe: Recipe, index: number): Promise<ImportPhoto> {
  const [dir, file] = recipe.source.split('/') as [string, string];
  let image = sharp(await readFile(join(dir === 'fixtures' ? PHOTOS : BENCH_PHOTOS, file)));
  const meta = await image.metadata();
  if (recipe.crop) {
    const [l, t, w, h] = recipe.crop;
    const W = meta.width;
    const H = meta.height;
    image = sharp(await image.extract({ left: Math.round(l * W), top: Math.round(t * H), width: Math.round(w * W), height: Math.round(h * H) }).toBuffer());
  }
  if (recipe.mirror) image = image.flop();
  const [width, height] = recipe.portrait ? [SHORT, LONG] : [LONG, SHORT];
  const { data, info } = await image.removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'cover', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  addGrain(data, 0x9e3779b9 ^ (index * 2654435761));
  // Rotated: the raster is stored turned a quarter back, and EXIF orientation 6 turns it upright.
  let jpeg = sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  if (recipe.rotated) jpeg = sharp(await jpeg.rotate(-90).raw().toBuffer(), { raw: { width: info.height, height: info.width, channels: 3 } }).withMetadata({ orientation: 6 });
  const bytes = await jpeg.jpeg({ quality: 90, chromaSubsampling: '4:2:0' }).toBuffer();
  const base = file.replace(/\.[a-z]+$/, '');
  return { name: `${String(index + 1).padStart(2, '0')}-${base}.jpg`, bytes };
}

/** The bench's twenty 4-MP JPEGs, made the same way (same bytes) on every run. */
export async function makeImportPhotos(): Promise<ImportPhoto[]> {
  const photos: ImportPhoto[] = [];
  for (const [i, r] of RECIPES.entries()) photos.push(await make(r, i));
  return photos;
}

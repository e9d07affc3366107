import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConvertOptions, buildModels, sha256File } from '../../../models/build-models.ts';
import { convertTfjsModelFile } from '../../../models/converter/load-tfjs-model.ts';
import { parseModelManifest, pinnedFiles, type ModelManifest } from '../../../models/manifest.ts';

const root = process.cwd();
let manifest: ModelManifest;

beforeAll(async () => {
  // The same step postinstall runs; a no-op when models/generated/ is current.
  await buildModels({ root });
  manifest = parseModelManifest(JSON.parse(await readFile(join(root, 'models', 'manifest.json'), 'utf8')));
}, 60_000);

describe('models/manifest.json', () => {
  it('pins every file the build produced', async () => {
    for (const f of pinnedFiles(manifest)) {
      const actual = await sha256File(join(root, 'models', f.file));
      expect(actual, f.file).toEqual({ sha256: f.sha256, bytes: f.bytes });
    }
  });

  it('converts CenterNet to the same bytes every time', async () => {
    const entry = manifest.models.find((m) => m.task === 'detect');
    const bytes = await convertTfjsModelFile(join(root, 'node_modules/@vladmandic/human/models/centernet.json'), buildConvertOptions(entry?.file ?? ''));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry?.sha256);
  });

  it('lists COCO-80 labels in the standard order', async () => {
    const entry = manifest.models.find((m) => m.task === 'detect');
    const labels = (await readFile(join(root, 'models', entry?.labels?.file ?? ''), 'utf8')).trim().split('\n');
    expect(labels).toHaveLength(80);
    expect([labels[0], labels[3], labels[15], labels[41]]).toEqual(['person', 'motorcycle', 'cat', 'cup']);
  });

  it('describes inputs, normalization and post-processing for each model', () => {
    expect(manifest.models.map((m) => m.task).sort()).toEqual(['detect', 'face-detect', 'face-embed', 'ocr-angle', 'ocr-detect', 'ocr-recognize']);
    for (const m of manifest.models) {
      expect(m.inputs.length).toBeGreaterThan(0);
      expect(m.normalization.mean).toHaveLength(3);
      expect(typeof m.postprocess.kind).toBe('string');
    }
  });
});

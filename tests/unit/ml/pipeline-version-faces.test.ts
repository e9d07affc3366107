import { describe, expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { parseModelManifest } from '../../../ml/runtime/model-manifest.ts';
import { pipelineVersionFor, withoutFaces } from '../../../ml/pipeline/pipeline-version.ts';

const manifest = parseModelManifest(manifestJson);

describe('the version stamped on a note leaves out the face step (ml/pipeline/pipeline-version.ts)', () => {
  it('a device with "Group faces" on stamps what a device with it off expects, with OCR and classifiers either way', () => {
    for (const options of [{ ocr: true }, { ocr: false }, { ocr: true, classifierIds: ['clf-0123456789abcdef'] }]) {
      const on = pipelineVersionFor(manifest, { ...options, faces: true });
      const off = pipelineVersionFor(manifest, options);
      expect(on).toContain('+faces@');
      expect(withoutFaces(on)).toBe(off);
      expect(withoutFaces(off)).toBe(off);
    }
  });
});

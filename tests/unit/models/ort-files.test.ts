import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOrtFiles, integrityOf, ORT_PINS, ortWebGpuCacheName } from '../../../models/ort-files.ts';

const ORT_DIST = join(process.cwd(), 'node_modules', 'onnxruntime-web', 'dist');

describe('onnxruntime-web files are pinned like the models (models/ort-files.json)', () => {
  it('the installed onnxruntime-web has the pinned bytes', () => {
    expect(ORT_PINS.files.map((f) => f.file).sort()).toEqual([
      'ort-wasm-simd-threaded.asyncify.mjs',
      'ort-wasm-simd-threaded.asyncify.wasm',
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
    ]);
    expect(() => checkOrtFiles(ORT_DIST)).not.toThrow();
  });

  it('a build refuses a file with other bytes (a changed package, a bad copy)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obscura-ort-pins-'));
    for (const f of ORT_PINS.files) copyFileSync(join(ORT_DIST, f.file), join(dir, f.file));
    writeFileSync(join(dir, 'ort-wasm-simd-threaded.mjs'), 'self.postMessage("not onnxruntime");\n');
    expect(() => checkOrtFiles(dir)).toThrow(/ort-wasm-simd-threaded\.mjs is not the pinned one/);
  });

  it('integrity strings and the WebGPU cache name follow the pins', () => {
    expect(integrityOf('00'.repeat(32))).toBe(`sha256-${Buffer.alloc(32).toString('base64')}`);
    const wasm = ORT_PINS.files.find((f) => f.file === 'ort-wasm-simd-threaded.asyncify.wasm');
    expect(ortWebGpuCacheName()).toBe(`obscura-ort-webgpu-${wasm?.sha256.slice(0, 16)}`);
  });
});

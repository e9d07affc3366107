import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectArray, expectInteger, expectObject, expectString } from '../ml/runtime/json-guard.ts';
import ortFilesJson from './ort-files.json' with { type: 'json' };

/**
 * onnxruntime-web's wasm and glue, pinned like the models (models/manifest.json): the ML
 * worker that sees plaintext photos runs them as code. The build copies them into `ort/`
 * only if their bytes are these (`checkOrtFiles`), and the service worker fetches and
 * caches them only with these hashes as subresource integrity (vite.config.ts), so neither
 * a changed package nor a bad response on the way can become that code. A new
 * onnxruntime-web version means new pins here, on purpose.
 */
export interface OrtFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export function parseOrtFiles(json: unknown): { readonly version: string; readonly files: readonly OrtFile[] } {
  const root = expectObject(json, '$');
  if (root.schemaVersion !== 1) throw new Error('ort-files.json: unsupported schemaVersion');
  const files = expectArray(root.files, '$.files', 16).map((f, i) => {
    const o = expectObject(f, `$.files[${i}]`);
    const file = expectString(o.file, `$.files[${i}].file`, 100);
    const sha256 = expectString(o.sha256, `$.files[${i}].sha256`, 64);
    if (!/^[\w.-]+$/.test(file) || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`ort-files.json $.files[${i}]: bad file name or sha256`);
    return { file, sha256, bytes: expectInteger(o.bytes, `$.files[${i}].bytes`) };
  });
  return { version: expectString(root.version, '$.version', 40), files };
}

export const ORT_PINS = parseOrtFiles(ortFilesJson);

/** `sha256-<base64>`, the subresource-integrity form of a hex sha256. */
export const integrityOf = (sha256Hex: string): string => `sha256-${Buffer.from(sha256Hex, 'hex').toString('base64')}`;

/** The name of the cache that keeps the WebGPU build: a new build of it is a new cache. */
export function ortWebGpuCacheName(): string {
  const wasm = ORT_PINS.files.find((f) => f.file === 'ort-wasm-simd-threaded.asyncify.wasm');
  if (!wasm) throw new Error('ort-files.json pins no asyncify wasm');
  return `obscura-ort-webgpu-${wasm.sha256.slice(0, 16)}`;
}

/** Throws unless every pinned file in `dir` has its pinned bytes. */
export function checkOrtFiles(dir: string): void {
  for (const pin of ORT_PINS.files) {
    const bytes = readFileSync(join(dir, pin.file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== pin.sha256 || bytes.length !== pin.bytes) {
      throw new Error(`onnxruntime-web's ${pin.file} is not the pinned one (sha256 ${sha256}, pinned ${pin.sha256}): check the new version, then update models/ort-files.json`);
    }
  }
}

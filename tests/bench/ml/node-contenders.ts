import * as ortNode from 'onnxruntime-node';
import type { BenchCase } from './bench-inputs.ts';
import type { Contender } from './contender.ts';
import type { ModelVariant } from './model-variants.ts';
import { ortContender } from './ort-contender.ts';

export const NATIVE = 'ort-node native';
export const WEB_NODE = 'ort-web node';

export interface NodeContenders {
  readonly contenders: Contender[];
  release(): Promise<void>;
}

/**
 * onnxruntime-node (the baseline) at each thread count, and onnxruntime-web's
 * wasm build in this Node process. Node has no cross-origin isolation to
 * speak of, and ORT fixes the wasm thread count at init, so ort-web in Node is
 * measured with one thread only.
 */
export async function nodeContenders(
  cases: readonly { bench: BenchCase; variants: readonly ModelVariant[] }[],
  threads: readonly number[],
): Promise<NodeContenders> {
  const web = await import('onnxruntime-web/wasm');
  web.env.wasm.numThreads = 1;
  const opened: (Contender & { release(): Promise<void> })[] = [];
  for (const { bench, variants } of cases) {
    for (const v of variants) {
      for (const t of threads) {
        opened.push(
          await ortContender(ortNode, bench, {
            runtime: `${NATIVE} [${v.name}]`,
            threads: t,
            model: v.model,
            // inter-op threads 1: the bench compares intra-op parallelism at equal thread counts.
            options: { ...v.options, intraOpNumThreads: t, interOpNumThreads: 1 },
          }),
        );
      }
      opened.push(await ortContender(web, bench, { runtime: `${WEB_NODE} [${v.name}]`, threads: 1, model: v.model, options: v.options }));
    }
  }
  return {
    contenders: opened,
    release: async () => {
      for (const c of opened) await c.release();
    },
  };
}

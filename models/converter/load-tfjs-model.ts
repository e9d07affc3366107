import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { convertTfjsGraph, type ConvertOptions } from './convert.ts';
import { parseTfjsGraphModel, type TfjsGraphModel } from './tfjs-graph.ts';
import { decodeWeights, type TfConstTensor } from './weights.ts';

export interface LoadedTfjsModel {
  readonly model: TfjsGraphModel;
  readonly weights: Map<string, TfConstTensor>;
}

/**
 * Node-only: reads model.json and its shards from disk. Shard paths were
 * validated as plain file names, so they cannot leave the model's folder.
 */
export async function loadTfjsModel(modelJsonPath: string): Promise<LoadedTfjsModel> {
  const json: unknown = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const model = parseTfjsGraphModel(json);
  const dir = dirname(modelJsonPath);
  const shards = await Promise.all(
    model.weightGroups.map((g) => Promise.all(g.paths.map(async (p) => new Uint8Array(await readFile(join(dir, p)))))),
  );
  return { model, weights: decodeWeights(model.weightGroups, shards) };
}

/** Reads and converts in one step; returns ONNX bytes. */
export async function convertTfjsModelFile(modelJsonPath: string, options: ConvertOptions = {}): Promise<Uint8Array> {
  const { model, weights } = await loadTfjsModel(modelJsonPath);
  return convertTfjsGraph(model, weights, options);
}

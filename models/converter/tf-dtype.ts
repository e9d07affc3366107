import { OnnxDataType } from './onnx-types.ts';

const BY_TF_TYPE: Readonly<Record<string, OnnxDataType>> = {
  DT_FLOAT: OnnxDataType.FLOAT,
  DT_HALF: OnnxDataType.FLOAT16,
  DT_INT32: OnnxDataType.INT32,
  DT_INT64: OnnxDataType.INT64,
  DT_UINT8: OnnxDataType.UINT8,
  DT_INT8: OnnxDataType.INT8,
  DT_BOOL: OnnxDataType.BOOL,
};

/** Maps a TF `DT_*` enum name to the ONNX element type; throws for the rest. */
export function onnxTypeOf(tfType: string, where: string): OnnxDataType {
  const t = BY_TF_TYPE[tfType];
  if (t === undefined) throw new Error(`${where}: unsupported TensorFlow dtype ${tfType}`);
  return t;
}

import { OnnxDataType, OnnxGraphBuilder } from '../../../models/converter/onnx-builder.ts';
import { createRgbaImage, type RgbaImage } from '../../../ml/image/rgba-image.ts';

export const COLOUR_LABELS = ['red', 'green', 'blue'];

/**
 * A real (tiny) image classifier, built with our ONNX builder: a 1x1 conv
 * picks the R, G and B planes, global average pooling gives each plane's
 * mean, and a MatMul scales them into logits for red, green and blue.
 * With ImageNet normalisation a red photo has a high R mean and low G/B
 * means, so "red" wins; likewise for blue.
 */
export function colourClassifier(opts: { layout?: 'NCHW' | 'NHWC'; softmax?: boolean; size?: number } = {}): Uint8Array {
  const size = opts.size ?? 32;
  const b = new OnnxGraphBuilder('colours');
  let x: string;
  if (opts.layout === 'NHWC') {
    const nhwc = b.input('pixels', OnnxDataType.FLOAT, [1, size, size, 3]);
    x = b.op('Transpose', [nhwc], { perm: [0, 3, 1, 2] });
  } else {
    x = b.input('pixels', OnnxDataType.FLOAT, [1, 3, size, size]);
  }
  const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const conv = b.op('Conv', [x, b.constFloat('w', identity, [3, 3, 1, 1])], { kernel_shape: [1, 1] });
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [conv])], { axis: 1 });
  const logits = b.op('MatMul', [pooled, b.constFloat('m', identity.map((v) => v * 2), [3, 3])]);
  if (opts.softmax) b.node('Softmax', [logits], { axis: -1 }, { outputs: ['scores'] });
  else b.node('Identity', [logits], {}, { outputs: ['scores'] });
  b.output('scores', OnnxDataType.FLOAT, [1, 3]);
  return b.toBytes({ producerName: 'obscura-tests' });
}

/** A solid-colour photo, deliberately not square and not the model's size. */
export function solidImage(rgb: [number, number, number], width = 64, height = 40): RgbaImage {
  const image = createRgbaImage(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([...rgb, 255], i * 4);
  return image;
}

import { cropImage } from '../image/crop-image.ts';
import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import type { ClassifierSpec } from './classifier-spec.ts';

/**
 * Photo -> the float tensor data a classifier spec asks for: square crop (or
 * stretch), resize to size x size, channel order, normalisation, layout.
 * Returns the data and its dims for a batch of one.
 */
export function classifierInput(image: RgbaImage, spec: ClassifierSpec): { data: Float32Array; dims: number[] } {
  const n = spec.size;
  let square = image;
  if (spec.resize === 'center-crop' && image.width !== image.height) {
    const side = Math.min(image.width, image.height);
    square = cropImage(image, {
      x: Math.floor((image.width - side) / 2),
      y: Math.floor((image.height - side) / 2),
      width: side,
      height: side,
    });
  }
  const resized = square.width === n && square.height === n ? square : resizeImage(square, n, n);
  const src = resized.data;
  const data = new Float32Array(3 * n * n);
  // Channel c of the tensor reads RGBA component order[c].
  const order = spec.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const plane = n * n;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (src[p * 4 + order[c]!]! * spec.scale - spec.mean[c]!) / spec.std[c]!;
      data[spec.layout === 'NCHW' ? c * plane + p : p * 3 + c] = v;
    }
  }
  return { data, dims: spec.layout === 'NCHW' ? [1, 3, n, n] : [1, n, n, 3] };
}

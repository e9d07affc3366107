import { cropQuad, type Point, type Quad } from '../image/crop-quad.ts';
import { resizeImage } from '../image/resize-image.ts';
import type { RgbaImage } from '../image/rgba-image.ts';
import type { FaceBox } from './face.ts';

/**
 * Cuts the face out upright: a square around the box centre, `scale` times
 * the box's longer side, turned so the eyes are level (a tilted head is the
 * commonest reason two photos of one person embed apart), resized to `size`.
 * Corners outside the photo repeat its border pixels (cropQuad).
 */
export function alignFace(image: RgbaImage, face: FaceBox, size: number, scale: number): RgbaImage {
  const [x1, y1, x2, y2] = face.box;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const half = (Math.max(x2 - x1, y2 - y1) * scale) / 2;
  const [right, left] = face.landmarks;
  // The person's right eye is on the image's left; angle 0 when they are level.
  const angle = right && left ? Math.atan2(left[1] - right[1], left[0] - right[0]) : 0;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const corner = (dx: number, dy: number): Point => [cx + dx * cos - dy * sin, cy + dx * sin + dy * cos];
  const quad: Quad = [corner(-half, -half), corner(half, -half), corner(half, half), corner(-half, half)];
  const crop = cropQuad(image, quad);
  return crop.width === size && crop.height === size ? crop : resizeImage(crop, size, size);
}

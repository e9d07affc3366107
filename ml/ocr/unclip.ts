import type { RotatedRect } from './min-area-rect.ts';

/**
 * Grow a detected text kernel back to the full text box.
 *
 * DB (Liao et al. 2020) is trained on text regions shrunk by
 * D = A (1 - r^2) / L; at inference the kernel is expanded by
 * D' = A * unclipRatio / L (A area, L perimeter; PaddleOCR uses 1.5).
 * PaddleOCR offsets the polygon with pyclipper (round joins) and takes the
 * minimum-area rectangle of the result; for a rectangle kernel that is exactly
 * the rectangle with every side pushed out by D', which is what this does.
 */
export function unclipRect(rect: RotatedRect, unclipRatio = 1.5): RotatedRect {
  const distance = unclipDistance(rect.width, rect.height, unclipRatio);
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/** D' = area * ratio / perimeter for a w x h rectangle (0 for a degenerate one). */
export function unclipDistance(width: number, height: number, unclipRatio = 1.5): number {
  const perimeter = 2 * (width + height);
  return perimeter > 0 ? (width * height * unclipRatio) / perimeter : 0;
}

/** What `npm run bench -- import --json` prints: the tracker reads these names (issue 16 §2). */
export interface ImportFigures {
  /** Sustained: photos tagged after the first, over the time from the first tag to the last. */
  readonly photosPerSecond: number;
  readonly tfjsPhotosPerSecond: number | null;
  readonly nativePhotosPerSecond: number | null;
  /** Time between one photo's tag and the next, in the app. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly firstTagMs: number;
  readonly longestTaskMs: number;
  readonly peakHeapMB: number;
  /** CenterNet-512, same thread count, onnxruntime-web in Chromium / onnxruntime-node. */
  readonly ortWebVsNative: number | null;
}

interface Goal {
  readonly name: string;
  readonly figure: string;
  readonly goal: string;
  readonly met: boolean | null;
}

const n = (v: number | null, digits: number, unit = ''): string => (v === null || Number.isNaN(v) ? 'not measured' : `${v.toFixed(digits)}${unit}`);

/** Each goal of issue 16 §2 beside its figure, as lines of a plain table. */
export function goalLines(f: ImportFigures, photos: number): string[] {
  const vsTfjs = f.tfjsPhotosPerSecond ? f.photosPerSecond / f.tfjsPhotosPerSecond : null;
  const goals: Goal[] = [
    { name: 'photos/s sustained (app, Chromium)', figure: n(f.photosPerSecond, 2), goal: '>= 2 (stretch 3)', met: f.photosPerSecond >= 2 },
    { name: 'x TF.js baseline photos/s', figure: n(vsTfjs, 2, 'x'), goal: '>= 1.6x', met: vsTfjs === null ? null : vsTfjs >= 1.6 },
    { name: 'longest main-thread task during import', figure: n(f.longestTaskMs, 0, ' ms'), goal: '<= 50 ms', met: f.longestTaskMs <= 50 },
    { name: 'first tag after unlock', figure: n(f.firstTagMs, 0, ' ms'), goal: '<= 1500 ms', met: f.firstTagMs <= 1500 },
    { name: 'ORT-web / native, CenterNet-512, 1 thread', figure: n(f.ortWebVsNative, 2, 'x'), goal: '<= 2.5x', met: f.ortWebVsNative === null ? null : f.ortWebVsNative <= 2.5 },
    { name: `peak JS heap (${photos} photos)`, figure: n(f.peakHeapMB, 0, ' MB'), goal: '< 1024 MB (200 photos)', met: f.peakHeapMB < 1024 },
    { name: 'per photo p50 / p95 (between tags)', figure: `${n(f.p50Ms, 0)} / ${n(f.p95Ms, 0)} ms`, goal: '(<= 500 ms at 2 photos/s)', met: null },
    { name: 'native baseline photos/s (onnxruntime-node)', figure: n(f.nativePhotosPerSecond, 2), goal: '(the physical reference)', met: null },
  ];
  const width = Math.max(...goals.map((g) => g.name.length));
  const fig = Math.max(...goals.map((g) => g.figure.length));
  return ['goal check:', ...goals.map((g) => `  ${g.name.padEnd(width)}  ${g.figure.padStart(fig)}  goal ${g.goal}${g.met === null ? '' : g.met ? '  MET' : '  NOT MET'}`)];
}

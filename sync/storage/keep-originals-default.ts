/** What "Keep originals on this device" is when the person has not chosen, and why. */
export interface KeepOriginalsDefault {
  readonly on: boolean;
  /** Said in Settings when the default is off. */
  readonly why?: string;
}

/**
 * Free room this origin must have for the default to be on. Note: the originals' total size
 * is not known before they arrive (photo records carry no size), so this is a rule of thumb:
 * about 300 phone photos of 3 MiB, and a browser that gives an origin this much usually has
 * far more (Chromium offers up to 60% of the disk).
 */
export const KEEP_ORIGINALS_MIN_FREE = 1024 ** 3;

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MB`;

/** Decides from navigator.storage.estimate(); a browser that cannot say gets "off", with that reason. */
export async function keepOriginalsDefault(storage: Pick<StorageManager, 'estimate'> | undefined = globalThis.navigator?.storage): Promise<KeepOriginalsDefault> {
  let estimate: StorageEstimate | undefined;
  try {
    estimate = await storage?.estimate();
  } catch {
    estimate = undefined;
  }
  if (estimate?.quota === undefined) return { on: false, why: 'Off by default: this browser does not say how much it can store for Obscura.' };
  const free = estimate.quota - (estimate.usage ?? 0);
  if (free < KEEP_ORIGINALS_MIN_FREE) {
    return { on: false, why: `Off by default: this browser leaves Obscura ${mib(Math.max(0, free))} free, and keeping originals wants at least ${mib(KEEP_ORIGINALS_MIN_FREE)}.` };
  }
  return { on: true };
}

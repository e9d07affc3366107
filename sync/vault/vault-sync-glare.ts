import { replicateBox, type Replication, type ReplicateBoxOptions } from '../replication/replicate-box.ts';

/**
 * y-webrtc glare (sync/PROTOCOL.md "Known y-webrtc weakness"): two devices that announce
 * at the same moment can both initiate and end up with connections that never sync. A
 * device that joins an announced room connects reliably, so when peers are announced and
 * none has synced for `stallMs`, we reconnect the provider (announce again). Checked every
 * `checkMs`; each stall is retried once per `stallMs`, for as long as it lasts.
 */
export interface GlareOptions {
  readonly stallMs?: number;
  readonly checkMs?: number;
  /** Called on every retry (tests, logs). */
  readonly onRetry?: () => void;
}

export const DEFAULT_GLARE_STALL_MS = 5_000;

export function replicateWithRetry(options: ReplicateBoxOptions, glare: GlareOptions = {}): Replication {
  const replication = replicateBox(options);
  if (options.settings.signalingUrls.length === 0) return replication;
  const stallMs = glare.stallMs ?? DEFAULT_GLARE_STALL_MS;
  let stalledSince: number | undefined;
  const timer = setInterval(() => {
    if (!replication.webrtcStalled()) {
      stalledSince = undefined;
      return;
    }
    const now = Date.now();
    stalledSince ??= now;
    if (now - stalledSince < stallMs) return;
    stalledSince = undefined;
    glare.onRetry?.();
    replication.reconnectPeers();
  }, glare.checkMs ?? 1_000);
  // A watchdog must never be what keeps Node (a test, the relay tooling) running.
  (timer as { unref?: () => void }).unref?.();
  return {
    ...replication,
    destroy() {
      clearInterval(timer);
      replication.destroy();
    },
  };
}

import wrtc from '@roamhq/wrtc';
import type { WrtcImplementation } from '../../sync/transport/chunking-wrtc.ts';

/** @roamhq/wrtc, as simple-peer's `wrtc` option takes it: WebRTC for Node tests. */
export const nodeWrtc: WrtcImplementation = wrtc;

/**
 * Types for the simple-peer bundle y-webrtc imports (`simple-peer/simplepeer.min.js`):
 * the tests drive exactly the build that y-webrtc runs. Only what the tests use.
 */
declare module 'simple-peer/simplepeer.min.js' {
  export interface SimplePeerOptions {
    initiator?: boolean;
    /** A WebRTC implementation: RTCPeerConnection, RTCSessionDescription, RTCIceCandidate. */
    wrtc?: object;
    config?: RTCConfiguration;
  }

  /** What one peer hands the other out of band (offer, answer, candidates). */
  export type SignalData = object;

  export default class SimplePeer {
    constructor(options?: SimplePeerOptions);
    readonly connected: boolean;
    readonly destroyed: boolean;
    /** The data channel's bufferedAmount. */
    readonly bufferSize: number;
    on(event: 'signal', listener: (data: SignalData) => void): this;
    on(event: 'data', listener: (data: Uint8Array) => void): this;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    once(event: 'connect' | 'close', listener: () => void): this;
    signal(data: SignalData): void;
    send(data: Uint8Array | string): void;
    destroy(): void;
  }
}

/**
 * Transaction origins. Every listener checks them so nothing echoes: the box observer
 * skips what the sealer just wrote, and the sealer skips what the opener just applied.
 */
export const SEAL_ORIGIN: unique symbol = Symbol('obscura:seal');
export const REMOTE_ORIGIN: unique symbol = Symbol('obscura:remote');

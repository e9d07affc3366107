/**
 * The Argon2id Web Worker entry. Note: no logic here (ARCHITECTURE §1); it lives in
 * pwhash-worker-api.ts, which Node tests import. Nothing may import this file (lint rule).
 */
import { servePwhash, type PwhashEndpoint } from './pwhash-worker-api.ts';

servePwhash(self as unknown as PwhashEndpoint);

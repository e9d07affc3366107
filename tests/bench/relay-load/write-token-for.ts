import type { SigningKeyPair } from '../../../crypto/index.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';

/** A write token for `roomId` for now by this machine's clock (the relay shares it here). */
export function writeTokenFor(roomId: string, writer: SigningKeyPair): string {
  return signWriteToken(roomId, writer, Date.now());
}

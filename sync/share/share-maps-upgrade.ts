import type * as Y from 'yjs';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../crypto/index.ts';
import { epochsMap, readKeyEpoch } from './key-epochs.ts';
import { keyEnvelopePlace, keyEnvelopeSigner, keysMap } from './key-envelope.ts';
import { readRevocation, revocationsMap } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * Notebooks shared before room sealing hold key envelopes, revocations and key epochs in
 * clear under device ids (sync/PROTOCOL.md "Sharing maps: no device in clear"). A device that
 * opens such a notebook stores each verified one again, sealed under its room slot, and
 * deletes the clear one; every other replica accepts that delete because the sealed copy
 * holds the same bytes (`sealedCopyHolds`), and the relay stops seeing those device ids.
 * Junk in clear is left alone. Returns whether anything changed.
 */
export function upgradeShareMaps(box: Y.Doc, notebookId: string, meta: RoomMeta): boolean {
  const moves: { map: Y.Map<Uint8Array>; from: string; to: string; value: Uint8Array }[] = [];
  keysMap(box).forEach((value, key) => {
    const place = keyEnvelopePlace(notebookId, key);
    const recipient = place && fromHex(place.recipientDeviceId);
    if (!place || !recipient?.ok || keyEnvelopeSigner(value, place) === undefined) return;
    const to = `${meta.slot(place.recipientDeviceId)}/${place.keyId}`;
    moves.push({ map: keysMap(box), from: key, to, value: meta.seal('keys', to, concatBytes(recipient.value, value)) });
  });
  revocationsMap(box).forEach((value, key) => {
    const revocation = /^[0-9a-f]{32}\//.test(key) ? readRevocation(notebookId, meta, key, value) : undefined;
    const removed = revocation && fromHex(revocation.removedDeviceId);
    if (!revocation || !removed?.ok) return;
    const to = `${meta.slot(revocation.removedDeviceId)}/${meta.slot(revocation.signerDeviceId)}`;
    moves.push({ map: revocationsMap(box), from: key, to, value: meta.seal('revocations', to, concatBytes(removed.value, value)) });
  });
  epochsMap(box).forEach((value, key) => {
    const record = /\/[0-9a-f]{32}$/.test(key) ? readKeyEpoch(notebookId, meta, key, value) : undefined;
    if (!record) return;
    const to = `${record.epoch}/${record.keyId}/${meta.slot(record.signerDeviceId)}`;
    moves.push({ map: epochsMap(box), from: key, to, value: meta.seal('epochs', to, value) });
  });
  if (moves.length === 0) return false;
  box.transact(() => {
    for (const { map, from, to, value } of moves) {
      if (!map.has(to)) map.set(to, value);
      map.delete(from);
    }
  });
  return true;
}

/** Whether the clear value under `key` is stored sealed, same bytes, under its room slot: then it may go. */
export function sealedCopyHolds(box: Y.Doc, mapName: 'keys' | 'revocations' | 'epochs', meta: RoomMeta, key: string, value: Uint8Array): boolean {
  const parts = key.split('/');
  let to: string;
  let prefix: string | undefined;
  if (mapName === 'keys' && parts.length === 2 && /^[0-9a-f]{32}$/.test(parts[0] ?? '')) {
    to = `${meta.slot(parts[0] as string)}/${parts[1] ?? ''}`;
    prefix = parts[0];
  } else if (mapName === 'revocations' && parts.length === 2 && parts.every((p) => /^[0-9a-f]{32}$/.test(p))) {
    to = `${meta.slot(parts[0] as string)}/${meta.slot(parts[1] as string)}`;
    prefix = parts[0];
  } else if (mapName === 'epochs' && parts.length === 3 && /^[0-9a-f]{32}$/.test(parts[2] ?? '')) {
    to = `${parts[0] ?? ''}/${parts[1] ?? ''}/${meta.slot(parts[2] as string)}`;
  } else {
    return false;
  }
  const inner = meta.open(mapName, to, box.getMap<Uint8Array>(mapName).get(to));
  if (!inner) return false;
  if (prefix === undefined) return bytesEqual(inner, value);
  return inner.length === 16 + value.length && toHex(inner.subarray(0, 16)) === prefix && bytesEqual(inner.subarray(16), value);
}

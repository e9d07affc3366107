/**
 * The new device of the P2P bench, in its own Node process: @roamhq/wrtc keeps a process
 * alive after its connections close, so the bench process itself never loads it. Joins
 * the room over WebRTC only with an empty box, prints {"ms"} once all `OBSCURA_NOTES`
 * notes are readable, and exits.
 */
import * as Y from 'yjs';
import { generateSigningKeyPair } from '../../../crypto/index.ts';
import { notesMap } from '../../../sync/notebook/notes.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { until } from '../../integration/relay/relay-harness.ts';
import { childDevice, env } from '../../helpers/child-device.ts';
import { joinP2pBenchRoom } from './p2p-room.ts';

const { notebookKey, keyring } = await childDevice();
const count = Number(env('OBSCURA_NOTES'));

const plain = new Y.Doc();
const box = new Y.Doc();
const start = performance.now();
const sealed = new SealedDoc({ docId: 'bench-sync', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
const replication = joinP2pBenchRoom(box, notebookKey);
setTimeout(() => {
  console.error(`p2p joiner: ${notesMap(plain).size} of ${count} notes after 120 s`);
  process.exit(1);
}, 120_000);
await until(plain, () => notesMap(plain).size === count);
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, quarantined: sealed.quarantine.size }));
replication.destroy();
sealed.destroy();
process.exit(0);

/**
 * The person's tablet in its own Node process (two y-webrtc providers for one room cannot share
 * one), syncing over WebRTC only (signaling at OBSCURA_SIGNAL, no relay). Prints
 * `{"request":...}` (its device-link request), then follows stdin, one command a line:
 *   `link <answer>`   links with the other device's answer and starts sync;
 *   `devices <n>`     once its vault lists n devices of the person;
 *   `lock`            locks (the tablet goes away);
 *   `unlock [keep]`   unlocks with its passphrase and starts sync; with `keep` (a device id), the
 *                     device the person keeps when a handover waits (taken up then);
 *   `handover`        once a handover for it arrived (the vault locked itself).
 * Each prints one JSON line when done. Run by p2p-handover.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import { createInterface } from 'node:readline';
import { sodiumReady } from '../../../crypto/index.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import { env } from '../../helpers/child-device.ts';
import { memoryServices, Ws } from './vault-sync-harness.ts';

Object.assign(globalThis, { WebSocket });
await sodiumReady();
const PASSPHRASE = 'tablet pass';
const services = memoryServices();
const request = beginDeviceLink(env('OBSCURA_ORIGIN'));
let vault: Vault | undefined;
const say = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
const sync = (v: Vault): void => {
  startVaultSync(v, { settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] }, deviceName: 'alice-tablet', wrtc, WebSocketPolyfill: Ws });
};
const when = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 100));
};
say({ request: request.link });

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg = ''] = line.split(' ');
  void (async () => {
    if (command === 'link') {
      const linked = await linkDevice(services, { responseLink: arg, pending: request.pending, passphrase: PASSPHRASE });
      if (!linked.ok) return say({ error: linked.error.code });
      const linkedVault = linked.value.vault;
      vault = linkedVault;
      sync(linkedVault);
      say({ linked: linkedVault.deviceId });
    }
    if (command === 'devices') {
      await when(() => (vault?.devices.list().length ?? 0) >= Number(arg));
      say({ devices: vault?.devices.list().length });
    }
    if (command === 'lock') {
      await vault?.lock();
      say({ locked: true });
    }
    if (command === 'unlock') {
      const unlocked = await unlockVault(services, arg ? { passphrase: PASSPHRASE, keep: arg } : { passphrase: PASSPHRASE });
      if (!unlocked.ok) return say({ error: unlocked.error.code });
      const unlockedVault = unlocked.value;
      vault = unlockedVault;
      sync(unlockedVault);
      say({ room: unlockedVault.replicas.vault().roomId });
    }
    if (command === 'handover') {
      const seen = vault;
      await when(() => seen === undefined || seen.locked || seen.handover.waiting());
      say({ handover: true });
    }
  })();
});
lines.on('close', () => {
  void (vault?.lock() ?? Promise.resolve()).then(() => setTimeout(() => process.exit(0), 300));
});
setTimeout(() => process.exit(4), 110_000);

import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { jsonLines } from '../../helpers/json-lines.ts';
import { memoryServices, must, PASS, Ws } from './vault-sync-harness.ts';

const ORIGIN = 'https://obscura.example';
/** Signaling only: nothing below goes through the relay. */
const relay = relayForSuite({ globalWebSocket: true });

function p2p(vault: Vault): void {
  startVaultSync(vault, { settings: { signalingUrls: [relay.signalingUrl], iceServers: [] }, deviceName: 'alice-laptop', wrtc: nodeWrtc, WebSocketPolyfill: Ws });
}

describe('removing one device peer to peer (issue 18 §1)', () => {
  it('no relay: the laptop removes the phone offline and locks at once; the tablet comes back, the laptop is unlocked again, and the tablet takes up the new key over WebRTC', async () => {
    const laptopServices: VaultServices = memoryServices();
    let laptop = (await createVault(laptopServices, PASS)).vault;
    p2p(laptop);
    await vi.waitFor(() => expect(relay.signaling.connectionCount).toBeGreaterThan(0));
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./handover-device.ts', import.meta.url).pathname], {
      env: { ...process.env, OBSCURA_SIGNAL: relay.signalingUrl, OBSCURA_ORIGIN: ORIGIN },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = jsonLines(child);
    try {
      const { request } = await out.next();
      child.stdin.write(`link ${must(laptop.devices.answerLink(String(request), ORIGIN)).link}\n`);
      const { linked } = await out.next();
      expect(typeof linked).toBe('string');
      // The phone: linked, never online again.
      const phoneLink = beginDeviceLink(ORIGIN);
      const phone = must(await linkDevice(memoryServices(), { responseLink: must(laptop.devices.answerLink(phoneLink.link, ORIGIN)).link, pending: phoneLink.pending, passphrase: 'phone pass' })).vault;
      child.stdin.write('devices 3\n');
      expect(await out.next()).toMatchObject({ devices: 3 });
      child.stdin.write('lock\n');
      expect(await out.next()).toMatchObject({ locked: true });

      // Offline: removeDevice stops sync, and the laptop does not start it again before it locks.
      must(await laptop.removal.removeDevice(phone.deviceId, PASS));
      const newRoom = laptop.replicas.vault().roomId;
      await laptop.lock();
      await phone.lock();

      child.stdin.write('unlock\n');
      expect((await out.next()).room).not.toBe(newRoom);
      laptop = must(await unlockVault(laptopServices, { passphrase: PASS }));
      p2p(laptop);
      child.stdin.write('handover\n');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(() => resolve({ handover: 'not within 40 s' }), 40_000)));
      expect(await Promise.race([out.next(), late])).toMatchObject({ handover: true });
      clearTimeout(timer);
      // The person keeps the laptop when the tablet asks (handover-choice.ts).
      child.stdin.write('unlock\n');
      expect(await out.next()).toMatchObject({ error: 'E_HANDOVER_CHOICE' });
      child.stdin.write(`unlock ${laptop.deviceId}\n`);
      expect(await out.next()).toMatchObject({ room: newRoom });
      await vi.waitFor(() => expect(laptop.removal.pendingHandovers()).toEqual([]), { timeout: 30_000 });
    } catch (error) {
      throw new Error(`${String(error)}\nchild stderr: ${out.stderr()}`);
    } finally {
      child.stdin.end();
      child.kill();
      await laptop.lock();
    }
  }, 120_000);
});

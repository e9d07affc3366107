import { describe, expect, it } from 'vitest';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { memoryServices, must, newDevice, relayOnly, startDevice } from './vault-sync-harness.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

function names(vault: Vault): (string | undefined)[] {
  return vault.devices.list().map((d) => d.name);
}

function until(vault: Vault, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => (vault.doc.off('update', on), reject(new Error(`timed out: ${what}`))), 20_000);
    const on = () => check() && (vault.doc.off('update', on), clearTimeout(timer), resolve());
    vault.doc.on('update', on);
  });
}

describe('device names in the vault doc (through the relay)', () => {
  it('each device names itself; the other lists it by that name with its last-seen time, and a rename follows', async () => {
    const a = await newDevice(relay.relayUrl, 'laptop');
    const bServices = memoryServices();
    const request = beginDeviceLink(ORIGIN);
    const linked = must(await linkDevice(bServices, { responseLink: must(a.vault.devices.answerLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: 'phone pass' }));
    const b = await startDevice(linked.vault, bServices, relayOnly(relay.relayUrl), 'phone');
    try {
      a.vault.devices.setName('  Ada   laptop ');
      b.vault.devices.setName('Ada phone');
      await until(a.vault, () => names(a.vault).join() === 'Ada laptop,Ada phone', 'both names on A');
      await until(b.vault, () => names(b.vault).join() === 'Ada phone,Ada laptop', 'both names on B');
      const phoneOnA = a.vault.devices.list().find((d) => !d.self);
      expect(phoneOnA?.deviceId).toBe(b.vault.deviceId);
      expect(phoneOnA?.lastSeen).toBeGreaterThan(Date.now() - 60_000);
      b.vault.devices.setName('x'.repeat(200));
      await until(a.vault, () => names(a.vault)[1] === 'x'.repeat(60), 'rename capped at 60 on A');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a name counts only if the named device signed it (review-keep 1): the phone, with modified code, renames the laptop in the vault doc, and the laptop keeps its own name everywhere', async () => {
    const a = await newDevice(relay.relayUrl, 'laptop');
    const bServices = memoryServices();
    const request = beginDeviceLink(ORIGIN);
    const linked = must(await linkDevice(bServices, { responseLink: must(a.vault.devices.answerLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: 'phone pass' }));
    const b = await startDevice(linked.vault, bServices, relayOnly(relay.relayUrl), 'phone');
    try {
      a.vault.devices.setName('Ada laptop');
      await until(b.vault, () => names(b.vault)[1] === 'Ada laptop', 'the laptop named on B');
      // Plain vault-doc writes, as the app would never make them: the laptop's entry, then B's own name.
      b.vault.doc.getMap('deviceNames').set(a.vault.deviceId, 'Ada phone');
      b.vault.devices.setName('Ada tablet');
      // The laptop's entry no longer verifies: the laptop, online, puts its signed name back.
      await until(a.vault, () => names(a.vault).join() === 'Ada laptop,Ada tablet', 'the laptop keeps its name on A');
      await until(b.vault, () => names(b.vault).join() === 'Ada tablet,Ada laptop', 'the laptop keeps its name on B');
      // What B wrote never counted as a name: not on B, where it wrote it.
      expect(b.vault.devices.list().some((d) => d.name === 'Ada phone')).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

import type { Vault } from '../../sync/vault/vault.ts';
import { cleanDeviceName } from './device-name.ts';
import { appSettings, updateSettings } from './settings-store.ts';

const LEGACY_KEY = 'obscura-device-name';

/**
 * The device name used to be kept in clear in localStorage, where a copy of the browser
 * profile reads it (THREAT_MODEL.md "A copy of the browser profile"). On unlock, after the
 * settings loaded: moves such a name into the sealed settings, unless they have one, and
 * deletes the clear copy. If saving fails the clear copy stays, to be moved next time.
 */
export async function moveLegacyDeviceName(vault: Vault): Promise<void> {
  let legacy: string | null;
  try {
    legacy = localStorage.getItem(LEGACY_KEY);
  } catch {
    return;
  }
  if (legacy === null) return;
  const name = cleanDeviceName(legacy);
  try {
    if (name && !appSettings().deviceName) await updateSettings(vault, { deviceName: name });
    localStorage.removeItem(LEGACY_KEY);
  } catch {
    // Out of space, or storage refused: nothing lost, the next unlock tries again.
  }
}

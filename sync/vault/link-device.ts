import { randomBytes, wipe, wrapLinkedVaultKey } from '../../crypto/index.ts';
import { checkCode, createDeviceLinkRequest, openDeviceLinkResponse, requestFingerprint, type PendingDeviceLink } from '../share/device-link.ts';
import { saveDeviceSeeds, replaceVaultHeader, deviceKeysFromSeeds } from './vault-records.ts';
import { Vault } from './vault.ts';
import type { VaultResult } from './vault-result.ts';
import { hasVault, underHeaderLock, type VaultServices } from './vault-services.ts';

/**
 * The new device's side of a device link (sync/share/device-link.ts):
 *   1. beginDeviceLink(origin) -> show `link` (QR) and `fingerprint`; keep `pending` in memory
 *      until `pending.expiresAt` (10 minutes by this device's clock);
 *   2. the old device answers (vault.devices.answerLink) with a response link and a check code;
 *   3. linkDevice(services, { responseLink, pending, passphrase }) -> a vault on this device
 *      with the SAME vault key and id, its own passphrase and device keys. No recovery key of
 *      its own: the vault's arrives with the vault doc and its header adopts it
 *      (vault-recovery.ts), so the key the person saved once opens this device too.
 * The notebooks arrive once startVaultSync runs: the vault doc replicates in its own room.
 */
/** The request in memory, with the seeds of this device's keys (its signing key is in the request). */
export interface PendingLink extends PendingDeviceLink {
  readonly seeds: Uint8Array;
}

export interface StartedDeviceLink {
  readonly link: string;
  readonly pending: PendingLink;
  /** 16 characters in 4 groups to compare with the old device's screen before it answers. */
  readonly fingerprint: string;
}

export function beginDeviceLink(origin: string, now = Date.now()): StartedDeviceLink {
  const seeds = randomBytes(64);
  const keys = deviceKeysFromSeeds(seeds);
  // The request carries this device's own box key: the old device lists it and adds it to
  // every notebook when it answers, so nothing waits for the two to be online together.
  const pending = { ...createDeviceLinkRequest(origin, keys.signing.publicKey, now, undefined, keys.box), seeds };
  return { link: pending.link, pending, fingerprint: requestFingerprint(pending) };
}

export interface LinkDeviceArgs {
  readonly responseLink: string;
  readonly pending: PendingLink;
  /** This device's own passphrase for the shared vault key. */
  readonly passphrase: string;
  readonly now?: number;
}

export interface LinkedDevice {
  readonly vault: Vault;
  /** Must equal the code the old device shows; if not, lock and discard this vault. */
  readonly checkCode: string;
}

export async function linkDevice(services: VaultServices, args: LinkDeviceArgs): Promise<VaultResult<LinkedDevice>> {
  // Under the header lock: another tab of the profile must not create, link or restore meanwhile.
  return underHeaderLock(services, () => linkNow(services, args));
}

const exists = { ok: false, error: { code: 'E_VAULT_EXISTS', message: 'this device already has a vault; linking would replace it' } } as const;

async function linkNow(services: VaultServices, args: LinkDeviceArgs): Promise<VaultResult<LinkedDevice>> {
  if (await hasVault(services)) return exists;
  const opened = openDeviceLinkResponse(args.responseLink, args.pending, args.now);
  if (!opened.ok) return opened;
  const { vaultKey, vaultId, approverPublicKey } = opened.value;
  const code = checkCode(vaultKey, args.pending.boxPublicKey);
  // The recovery slot made here wraps under a key nobody is shown: it opens nothing until the
  // vault's own wrap replaces it, once the vault doc synced.
  const { header } = await wrapLinkedVaultKey(vaultId, vaultKey, args.passphrase, services.pwhash);
  const seeds = args.pending.seeds;
  await saveDeviceSeeds(services.storage, vaultKey, vaultId, seeds);
  // As in createVault: the header goes last, so a vault exists only once it is complete.
  if (!(await replaceVaultHeader(services.storage, undefined, header))) return exists;
  wipe(args.pending.keyPair.secretKey);
  const vault = await Vault.open(services, header, vaultKey, deviceKeysFromSeeds(seeds), { linkedBy: approverPublicKey });
  return { ok: true, value: { vault, checkCode: code } };
}

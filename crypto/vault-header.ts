// The vault key as stored on disk: wrapped twice, once under an Argon2id KEK of
// the passphrase and once under a KEK from the recovery key, so either unlocks
// the vault and a passphrase change never invalidates the recovery key.
import { openAead, sealAead } from './aead.ts';
import { concatBytes, lengthPrefixed, utf8 } from './encoding.ts';
import { asVaultKey, newKeyId, randomBytes, randomVaultKey, wipe, type VaultKey } from './keys.ts';
import { DEFAULT_PWHASH_PARAMS, PWHASH_SALT_BYTES, type PwhashParams } from './pwhash.ts';
import { runPassphraseKdf, runPassphraseKdfWithFallback } from './pwhash-runner.ts';
import { formatRecoveryKey, parseRecoveryKey, RECOVERY_KEY_BYTES } from './recovery-key.ts';
import { CryptoFailure, fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export interface VaultHeader {
  version: 1;
  vaultId: string;
  passphrase: { salt: Uint8Array; opslimit: number; memlimit: number; alg: 'argon2id13'; wrapped: Uint8Array };
  recovery: { wrapped: Uint8Array };
}

const WRAP_DOMAIN = lengthPrefixed(utf8('obscura/vault-key/v1'));
const RECOVERY_KEK_DOMAIN = lengthPrefixed(utf8('obscura/recovery-kek/v1'));

// The AD ties a wrapped key to its vault and slot: a passphrase-wrapped blob
// pasted into the recovery slot (or another vault) does not open.
function wrapAd(vaultId: string, slot: 'passphrase' | 'recovery'): Uint8Array {
  return concatBytes(WRAP_DOMAIN, lengthPrefixed(utf8(vaultId)), lengthPrefixed(utf8(slot)));
}

// The recovery key is 256 random bits, so a keyed hash is enough; Argon2id would add nothing.
function recoveryKek(vaultId: string, recoveryBytes: Uint8Array): Uint8Array {
  return sodium().crypto_generichash(32, concatBytes(RECOVERY_KEK_DOMAIN, lengthPrefixed(utf8(vaultId))), recoveryBytes);
}

async function passphraseSlot(vaultId: string, vaultKey: VaultKey, passphrase: string, start: PwhashParams): Promise<VaultHeader['passphrase']> {
  if (passphrase.length === 0) throw new TypeError('passphrase must not be empty');
  const salt = randomBytes(PWHASH_SALT_BYTES);
  const kek = await runPassphraseKdfWithFallback(passphrase, salt, start);
  if (!kek.ok) throw new CryptoFailure(kek.error.code, kek.error.message);
  const wrapped = sealAead(kek.value.key, vaultKey, wrapAd(vaultId, 'passphrase'));
  wipe(kek.value.key);
  return { salt, ...kek.value.params, alg: 'argon2id13', wrapped };
}

function recoverySlot(vaultId: string, vaultKey: VaultKey): { slot: VaultHeader['recovery']; recoveryKey: string } {
  const recoveryBytes = randomBytes(RECOVERY_KEY_BYTES);
  const kek = recoveryKek(vaultId, recoveryBytes);
  const slot = { wrapped: sealAead(kek, vaultKey, wrapAd(vaultId, 'recovery')) };
  const recoveryKey = formatRecoveryKey(recoveryBytes);
  wipe(kek);
  wipe(recoveryBytes);
  return { slot, recoveryKey };
}

/**
 * New vault with a random key. `params` lowers Argon2id cost for tests only; if
 * the device cannot allocate the memory we fall back (see pwhashFallbackLadder)
 * and record what was used. Throws CryptoFailure(E_OUT_OF_MEMORY) if nothing fits.
 */
export async function createVault(
  passphrase: string,
  params: PwhashParams = DEFAULT_PWHASH_PARAMS,
): Promise<{ header: VaultHeader; vaultKey: VaultKey; recoveryKey: string }> {
  const vaultId = newKeyId();
  const vaultKey = randomVaultKey();
  const { slot, recoveryKey } = recoverySlot(vaultId, vaultKey);
  const header: VaultHeader = { version: 1, vaultId, passphrase: await passphraseSlot(vaultId, vaultKey, passphrase, params), recovery: slot };
  return { header, vaultKey, recoveryKey };
}

export async function unlockWithPassphrase(header: VaultHeader, passphrase: string): Promise<Result<VaultKey>> {
  const { salt, opslimit, memlimit, wrapped } = header.passphrase;
  const kek = await runPassphraseKdf(passphrase, salt, { opslimit, memlimit });
  if (!kek.ok) return kek;
  const opened = openAead(kek.value, wrapped, wrapAd(header.vaultId, 'passphrase'));
  wipe(kek.value);
  if (!opened.ok) {
    return opened.error.code === 'E_TRUNCATED'
      ? fail('E_FORMAT', 'wrapped vault key is truncated')
      : fail('E_PASSPHRASE', 'wrong passphrase');
  }
  if (opened.value.length !== 32) return fail('E_FORMAT', 'wrapped vault key has the wrong length');
  return ok(asVaultKey(opened.value));
}

export async function unlockWithRecoveryKey(header: VaultHeader, recoveryText: string): Promise<Result<VaultKey>> {
  const parsed = parseRecoveryKey(recoveryText);
  if (!parsed.ok) return parsed;
  const kek = recoveryKek(header.vaultId, parsed.value);
  const opened = openAead(kek, header.recovery.wrapped, wrapAd(header.vaultId, 'recovery'));
  wipe(kek);
  wipe(parsed.value);
  if (!opened.ok || opened.value.length !== 32) {
    return fail('E_RECOVERY_KEY', 'this recovery key does not unlock this vault');
  }
  return ok(asVaultKey(opened.value));
}

/** New salt and KEK; re-wraps only the vault key. The recovery slot is kept as is. */
export async function changePassphrase(
  header: VaultHeader,
  vaultKey: VaultKey,
  newPassphrase: string,
  params: PwhashParams = DEFAULT_PWHASH_PARAMS,
): Promise<VaultHeader> {
  return { ...header, passphrase: await passphraseSlot(header.vaultId, vaultKey, newPassphrase, params) };
}

/** Replaces the recovery slot; the old recovery key stops working once the new header is saved. */
export function regenerateRecoveryKey(header: VaultHeader, vaultKey: VaultKey): { header: VaultHeader; recoveryKey: string } {
  const { slot, recoveryKey } = recoverySlot(header.vaultId, vaultKey);
  return { header: { ...header, recovery: slot }, recoveryKey };
}

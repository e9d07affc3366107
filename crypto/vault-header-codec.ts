// On-disk encoding of VaultHeader: UTF-8 JSON with base64url byte fields.
// Note: JSON rather than a binary layout because the header is tiny, read once
// per unlock, and worth being able to inspect; every field is validated on the
// way in and anything unexpected (extra keys too) is E_FORMAT, never a throw.
import { fromBase64Url, fromUtf8Strict, toBase64Url, utf8 } from './encoding.ts';
import { AEAD_OVERHEAD } from './aead.ts';
import { KEY_BYTES, KEY_ID_BYTES } from './keys.ts';
import { PWHASH_SALT_BYTES } from './pwhash.ts';
import { fail, ok, type Result } from './result.ts';
import type { VaultHeader } from './vault-header.ts';

const FORMAT = 'obscura-vault-header';
const MAX_BYTES = 16 * 1024;
const WRAPPED_BYTES = KEY_BYTES + AEAD_OVERHEAD;
// Bounds keep a corrupted or hostile header from making unlock run for minutes.
const MAX_OPSLIMIT = 64;
const MIN_MEMLIMIT = 8 * 1024;
const MAX_MEMLIMIT = 1024 * 1024 * 1024;

export function encodeVaultHeader(h: VaultHeader): Uint8Array {
  return utf8(
    JSON.stringify({
      format: FORMAT,
      version: h.version,
      vaultId: h.vaultId,
      passphrase: {
        alg: h.passphrase.alg,
        salt: toBase64Url(h.passphrase.salt),
        opslimit: h.passphrase.opslimit,
        memlimit: h.passphrase.memlimit,
        wrapped: toBase64Url(h.passphrase.wrapped),
      },
      recovery: { wrapped: toBase64Url(h.recovery.wrapped) },
    }),
  );
}

type Json = Record<string, unknown>;

function isObjectWithKeys(v: unknown, keys: string[]): v is Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const actual = Object.keys(v).sort();
  const expected = [...keys].sort();
  return actual.length === expected.length && actual.every((k, i) => k === expected[i]);
}

function bytesField(v: unknown, length: number): Uint8Array | null {
  if (typeof v !== 'string') return null;
  const decoded = fromBase64Url(v);
  return decoded.ok && decoded.value.length === length ? decoded.value : null;
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export function decodeVaultHeader(bytes: Uint8Array): Result<VaultHeader> {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_BYTES) return fail('E_FORMAT', 'vault header missing or too large');
  const text = fromUtf8Strict(bytes);
  if (!text.ok) return text;
  let root: unknown;
  try {
    root = JSON.parse(text.value);
  } catch {
    return fail('E_FORMAT', 'vault header is not JSON');
  }
  if (typeof root !== 'object' || root === null || (root as Json)['format'] !== FORMAT) {
    return fail('E_FORMAT', 'not a vault header');
  }
  const version = (root as Json)['version'];
  if (version !== 1) {
    return typeof version === 'number'
      ? fail('E_VERSION', `unknown vault header version ${version}`)
      : fail('E_FORMAT', 'vault header has no version');
  }
  if (!isObjectWithKeys(root, ['format', 'version', 'vaultId', 'passphrase', 'recovery'])) {
    return fail('E_FORMAT', 'vault header has missing or unexpected fields');
  }
  const pass = root['passphrase'];
  const rec = root['recovery'];
  if (!isObjectWithKeys(pass, ['alg', 'salt', 'opslimit', 'memlimit', 'wrapped']) || !isObjectWithKeys(rec, ['wrapped'])) {
    return fail('E_FORMAT', 'vault header slots have missing or unexpected fields');
  }
  const vaultId = root['vaultId'];
  const salt = bytesField(pass['salt'], PWHASH_SALT_BYTES);
  const wrapped = bytesField(pass['wrapped'], WRAPPED_BYTES);
  const recoveryWrapped = bytesField(rec['wrapped'], WRAPPED_BYTES);
  const { opslimit, memlimit } = pass;
  if (typeof vaultId !== 'string' || bytesField(vaultId, KEY_ID_BYTES) === null) return fail('E_FORMAT', 'bad vaultId');
  if (pass['alg'] !== 'argon2id13') return fail('E_FORMAT', 'unsupported passphrase algorithm');
  if (!intIn(opslimit, 1, MAX_OPSLIMIT)) return fail('E_FORMAT', 'opslimit out of range');
  if (!intIn(memlimit, MIN_MEMLIMIT, MAX_MEMLIMIT) || memlimit % 1024 !== 0) return fail('E_FORMAT', 'memlimit out of range');
  if (salt === null || wrapped === null || recoveryWrapped === null) return fail('E_FORMAT', 'bad salt or wrapped key');
  return ok({
    version: 1,
    vaultId,
    passphrase: { salt, opslimit, memlimit, alg: 'argon2id13', wrapped },
    recovery: { wrapped: recoveryWrapped },
  });
}

import { beforeAll, describe, expect, it } from 'vitest';
import {
  changePassphrase,
  createVault,
  CryptoFailure,
  decodeVaultHeader,
  DEFAULT_PWHASH_PARAMS,
  derivePassphraseKey,
  derivePassphraseKeyWithFallback,
  encodeVaultHeader,
  fail,
  fromUtf8,
  pwhashFallbackLadder,
  randomBytes,
  regenerateRecoveryKey,
  sodiumReady,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  utf8,
  type PwhashParams,
  type VaultHeader,
} from '../../../crypto/index.ts';
import { expectCode, expectOk, FAST_PWHASH, seededRandom, testSeed } from './helpers.ts';

const MIB = 1024 * 1024;

beforeAll(async () => {
  await sodiumReady();
});

describe('vault header', () => {
  it('with the real defaults (Argon2id 64 MiB, opslimit 3) creates, encodes, decodes and unlocks', async () => {
    const { header, vaultKey, recoveryKey } = await createVault('correct horse battery staple');
    expect(header.passphrase).toMatchObject({ opslimit: 3, memlimit: 64 * MIB, alg: 'argon2id13' });
    expect(DEFAULT_PWHASH_PARAMS).toEqual({ opslimit: 3, memlimit: 64 * MIB });
    const decoded = expectOk(decodeVaultHeader(encodeVaultHeader(header)));
    expect(decoded).toEqual(header);
    expect(expectOk(await unlockWithPassphrase(decoded, 'correct horse battery staple'))).toEqual(vaultKey);
    expect(expectOk(await unlockWithRecoveryKey(decoded, recoveryKey))).toEqual(vaultKey);
  });

  it('normalises the passphrase (NFC and NFD spellings unlock alike)', async () => {
    const { header, vaultKey } = await createVault('caf\u00e9', FAST_PWHASH);
    expect(expectOk(await unlockWithPassphrase(header, 'cafe\u0301'))).toEqual(vaultKey);
  });

  it('changePassphrase re-wraps only the passphrase slot with a new salt', async () => {
    const { header, vaultKey, recoveryKey } = await createVault('old', FAST_PWHASH);
    const changed = await changePassphrase(header, vaultKey, 'new', FAST_PWHASH);
    expect(changed.passphrase.salt).not.toEqual(header.passphrase.salt);
    expect(changed.recovery).toEqual(header.recovery);
    expect(changed.vaultId).toBe(header.vaultId);
    expectCode(await unlockWithPassphrase(changed, 'old'), 'E_PASSPHRASE');
    expect(expectOk(await unlockWithPassphrase(changed, 'new'))).toEqual(vaultKey);
    expect(expectOk(await unlockWithRecoveryKey(changed, recoveryKey))).toEqual(vaultKey);
  });

  it('regenerateRecoveryKey retires the old recovery key', async () => {
    const { header, vaultKey, recoveryKey } = await createVault('pw', FAST_PWHASH);
    const next = regenerateRecoveryKey(header, vaultKey);
    expect(next.recoveryKey).not.toBe(recoveryKey);
    expect(next.header.passphrase).toEqual(header.passphrase);
    expectCode(await unlockWithRecoveryKey(next.header, recoveryKey), 'E_RECOVERY_KEY');
    expect(expectOk(await unlockWithRecoveryKey(next.header, next.recoveryKey))).toEqual(vaultKey);
  });

  it('wrapped keys cannot be moved between slots or vaults', async () => {
    const a = await createVault('pw', FAST_PWHASH);
    const b = await createVault('pw', FAST_PWHASH);
    const crossed: VaultHeader = { ...a.header, vaultId: b.header.vaultId };
    expectCode(await unlockWithPassphrase(crossed, 'pw'), 'E_PASSPHRASE');
    const slotSwap: VaultHeader = { ...a.header, recovery: { wrapped: a.header.passphrase.wrapped } };
    expectCode(await unlockWithRecoveryKey(slotSwap, a.recoveryKey), 'E_RECOVERY_KEY');
  });

  it('falls back 64/3 -> 32/6 -> 16/12 when Argon2id runs out of memory and records what it used', () => {
    expect(pwhashFallbackLadder(DEFAULT_PWHASH_PARAMS)).toEqual([
      { opslimit: 3, memlimit: 64 * MIB },
      { opslimit: 6, memlimit: 32 * MIB },
      { opslimit: 12, memlimit: 16 * MIB },
    ]);
    const tried: PwhashParams[] = [];
    const smallDevice = (pw: string, salt: Uint8Array, params: PwhashParams) => {
      tried.push(params);
      // Pretend only 16 MiB fits; run the real KDF at a cheap cost so the test stays fast.
      return params.memlimit > 16 * MIB ? fail<Uint8Array>('E_OUT_OF_MEMORY', 'simulated') : derivePassphraseKey(pw, salt, FAST_PWHASH);
    };
    const derived = expectOk(derivePassphraseKeyWithFallback('pw', randomBytes(16), DEFAULT_PWHASH_PARAMS, smallDevice));
    expect(derived.params).toEqual({ opslimit: 12, memlimit: 16 * MIB });
    expect(tried.map((p) => p.memlimit)).toEqual([64 * MIB, 32 * MIB, 16 * MIB]);
  });

  it('createVault refuses an empty passphrase', async () => {
    await expect(createVault('', FAST_PWHASH)).rejects.toThrow(TypeError);
    expect(new CryptoFailure('E_OUT_OF_MEMORY', 'x').code).toBe('E_OUT_OF_MEMORY');
  });
});

describe('decodeVaultHeader on hostile input', () => {
  let valid: Uint8Array;

  beforeAll(async () => {
    valid = encodeVaultHeader((await createVault('pw', FAST_PWHASH)).header);
  });

  it('never throws on random garbage, mutated JSON or truncations (seeded)', () => {
    const rng = seededRandom(testSeed('vault header garbage'));
    const inputs: Uint8Array[] = [new Uint8Array(0), utf8('null'), utf8('[]'), utf8('"x"'), utf8('{}'), utf8('['.repeat(100_000))];
    for (let i = 0; i < 300; i++) inputs.push(rng.bytes(rng.int(400)));
    for (let cut = 0; cut < valid.length; cut += 3) inputs.push(valid.subarray(0, cut));
    for (let i = 0; i < 600; i++) {
      const copy = valid.slice();
      copy[rng.int(copy.length)] = rng.int(256);
      inputs.push(copy);
    }
    for (const input of inputs) {
      const result = decodeVaultHeader(input);
      if (!result.ok) expect(['E_FORMAT', 'E_VERSION']).toContain(result.error.code);
    }
  });

  it('validates each field', () => {
    const base = JSON.parse(fromUtf8(valid)) as Record<string, Record<string, unknown>>;
    const variant = (edit: (h: Record<string, Record<string, unknown>>) => void): Uint8Array => {
      const copy = structuredClone(base);
      edit(copy);
      return utf8(JSON.stringify(copy));
    };
    const bad: Array<(h: Record<string, Record<string, unknown>>) => void> = [
      (h) => void (h['passphrase'] = { ...h['passphrase'], opslimit: 0 }),
      (h) => void (h['passphrase'] = { ...h['passphrase'], opslimit: 1.5 }),
      (h) => void (h['passphrase'] = { ...h['passphrase'], memlimit: 2 ** 40 }),
      (h) => void (h['passphrase'] = { ...h['passphrase'], alg: 'argon2i13' }),
      (h) => void (h['passphrase'] = { ...h['passphrase'], salt: 'AAAA' }),
      (h) => void (h['passphrase'] = { ...h['passphrase'], extra: 1 }),
      (h) => void (h['recovery'] = { wrapped: 42 }),
      (h) => void (h['vaultId'] = { id: 'x' }),
      (h) => void delete h['recovery'],
    ];
    for (const edit of bad) expectCode(decodeVaultHeader(variant(edit)), 'E_FORMAT');
    expectCode(decodeVaultHeader(utf8(fromUtf8(valid).replace('"version":1', '"version":2'))), 'E_VERSION');
  });
});

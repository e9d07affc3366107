import { createSignal } from 'solid-js';
import { MAX_LABEL_CHARS, MAX_TOP_K, validateClassifierSpec, type ClassifierSpec } from '../../ml/classify/classifier-spec.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { cleanDeviceName } from './device-name.ts';
import { defaultSyncUrls, type SyncUrls } from './default-sync-urls.ts';
import { browserServices } from './services.ts';

const SETTINGS_LOCK = 'obscura-settings';

/**
 * What this device is set to. Kept per device (not in the vault doc, which follows the person
 * to every device), sealed under the vault key in the StorageAdapter: no clear localStorage,
 * so nothing here is readable while the vault is locked.
 */
export const AUTO_LOCK_CHOICES = [0, 1, 5, 15, 60] as const;
export type AutoLockMinutes = (typeof AUTO_LOCK_CHOICES)[number];

/**
 * Under every tag bar of ml/detect/tag-policy.ts (0.18 and up), so the default leaves the
 * calibrated policy to decide; a higher setting turns the tags under it into "maybe" labels.
 */
export const SCORE_THRESHOLD_MIN = 0.15;
export const SCORE_THRESHOLD_MAX = 0.9;

export interface IceServerSetting {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** Sync servers chosen by hand; absent means the page origin's own (default-sync-urls.ts). */
export interface SyncSettings {
  readonly signalingUrls: readonly string[];
  readonly relayUrl: string;
  readonly blobsUrl: string;
  readonly iceServers: readonly IceServerSetting[];
}

/** Why the app turned an imported classifier off: a stable code and what to tell the person. */
export interface ClassifierProblem {
  readonly code: string;
  readonly message: string;
}

/** An imported classifier: its model bytes are a sealed device record of their own (classifier-import.ts). */
export interface ClassifierSetting {
  /** `clf-` + the first 16 hex of sha256, as the ML worker names it. */
  readonly id: string;
  readonly sha256: string;
  readonly spec: ClassifierSpec;
  readonly enabled: boolean;
  /** Set when the app turned it off (tagging-service.ts); turning it on again clears it. */
  readonly problem?: ClassifierProblem;
}

const PROBLEMS: Record<string, string> = {
  E_MODEL_TIMEOUT: 'it ran longer than its time budget and was stopped',
  E_MODEL_COST: 'its graph costs more than a photo may',
  E_MODEL_FETCH: 'its model is no longer stored on this device',
  E_MODEL_HASH: 'its stored model no longer matches its sha256',
};

/** What Settings shows next to a classifier the app turned off. */
export function classifierProblem(name: string, code: string): ClassifierProblem {
  const why = PROBLEMS[code] ?? 'it could not be loaded';
  return { code, message: `“${name}” was turned off: ${why} (${code}). Remove it, or turn it on to try again.` };
}

function parseProblem(v: unknown): ClassifierProblem | undefined | 'invalid' {
  if (v === undefined) return undefined;
  if (!isRecord(v) || typeof v.code !== 'string' || typeof v.message !== 'string' || v.code.length > 40 || v.message.length > 400) return 'invalid';
  return { code: v.code, message: v.message };
}

export interface AppSettings {
  /** 0 = never. */
  readonly autoLockMinutes: AutoLockMinutes;
  readonly ocr: boolean;
  /** Labels under this detection score are not kept. */
  readonly scoreThreshold: number;
  readonly sync?: SyncSettings;
  readonly classifiers: readonly ClassifierSetting[];
  /** What the other devices in a notebook see in their sync panel; absent: "Chrome on Linux" (device-name.ts). */
  readonly deviceName?: string;
  /**
   * Download every photo's original to this device in the background (originals-service.ts);
   * absent: on where the browser says there is room (sync/storage/keep-originals-default.ts).
   */
  readonly keepOriginals?: boolean;
  /**
   * "Group faces" (people-service.ts): find faces in photos and group them into people on this
   * device. Absent: off. Face data is biometric, and the models cost 7.6 MB and about 50 ms a
   * face, so it waits for the person to ask for it.
   */
  readonly faces?: boolean;
}

export const DEFAULT_SETTINGS: AppSettings = { autoLockMinutes: 5, ocr: true, scoreThreshold: SCORE_THRESHOLD_MIN, classifiers: [] };

const RECORD_NAME = 'settings';
const RECORD_VERSION = 1;

const [settings, setSettings] = createSignal<AppSettings>(DEFAULT_SETTINGS);
/** The unlocked vault's settings; defaults until loadSettings resolves. */
export const appSettings = settings;
const [notice, setNotice] = createSignal<string>();
/** Set when the stored settings could not be used and the defaults stand in. */
export const settingsNotice = notice;

export type LoadedSettings = { settings: AppSettings; notice?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseIceServer(v: unknown): IceServerSetting | undefined {
  if (!isRecord(v) || !isStringList(v.urls)) return undefined;
  if (v.username !== undefined && typeof v.username !== 'string') return undefined;
  if (v.credential !== undefined && typeof v.credential !== 'string') return undefined;
  return {
    urls: v.urls,
    ...(typeof v.username === 'string' ? { username: v.username } : {}),
    ...(typeof v.credential === 'string' ? { credential: v.credential } : {}),
  };
}

function parseSync(v: unknown): SyncSettings | undefined | 'invalid' {
  if (v === undefined) return undefined;
  if (!isRecord(v) || !isStringList(v.signalingUrls) || typeof v.relayUrl !== 'string' || typeof v.blobsUrl !== 'string') return 'invalid';
  if (!Array.isArray(v.iceServers)) return 'invalid';
  const iceServers = v.iceServers.map(parseIceServer);
  if (iceServers.some((s) => s === undefined)) return 'invalid';
  return { signalingUrls: v.signalingUrls, relayUrl: v.relayUrl, blobsUrl: v.blobsUrl, iceServers: iceServers as IceServerSetting[] };
}

function parseClassifier(v: unknown): ClassifierSetting | undefined {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.sha256 !== 'string' || typeof v.enabled !== 'boolean') return undefined;
  if (!/^[0-9a-f]{64}$/.test(v.sha256) || v.id !== `clf-${v.sha256.slice(0, 16)}`) return undefined;
  const spec = validateClassifierSpec(v.spec);
  const problem = parseProblem(v.problem);
  if (!spec.ok || problem === 'invalid') return undefined;
  return { id: v.id, sha256: v.sha256, spec: spec.spec, enabled: v.enabled, ...(problem && { problem }) };
}

/** The name a stored classifier entry gives itself, for a notice about it. */
const storedName = (v: unknown): string => (isRecord(v) && isRecord(v.spec) && typeof v.spec.name === 'string' ? v.spec.name.slice(0, 100) : 'An imported classifier');

/**
 * Checks a stored record field by field; anything unexpected means defaults and a notice.
 * An imported classifier whose spec no longer passes today's checks (e.g. one imported
 * when topK and label length had no cap) is left out by itself, named in `dropped`, and
 * the rest of the settings stand.
 */
export function parseSettings(value: unknown): { settings: AppSettings; dropped: string[] } | undefined {
  if (!isRecord(value) || value.v !== RECORD_VERSION) return undefined;
  const { autoLockMinutes, ocr, scoreThreshold } = value;
  if (!(AUTO_LOCK_CHOICES as readonly unknown[]).includes(autoLockMinutes)) return undefined;
  if (typeof ocr !== 'boolean') return undefined;
  if (typeof scoreThreshold !== 'number' || !(scoreThreshold >= SCORE_THRESHOLD_MIN && scoreThreshold <= SCORE_THRESHOLD_MAX)) return undefined;
  const sync = parseSync(value.sync);
  if (sync === 'invalid') return undefined;
  if (value.deviceName !== undefined && typeof value.deviceName !== 'string') return undefined;
  if (value.keepOriginals !== undefined && typeof value.keepOriginals !== 'boolean') return undefined;
  if (value.faces !== undefined && typeof value.faces !== 'boolean') return undefined;
  const deviceName = typeof value.deviceName === 'string' ? cleanDeviceName(value.deviceName) : '';
  const stored: unknown[] = Array.isArray(value.classifiers) ? value.classifiers : [];
  const classifiers = stored.map(parseClassifier);
  return {
    settings: {
      autoLockMinutes: autoLockMinutes as AutoLockMinutes,
      ocr,
      scoreThreshold,
      ...(sync ? { sync } : {}),
      classifiers: classifiers.filter((c): c is ClassifierSetting => c !== undefined),
      ...(deviceName ? { deviceName } : {}),
      ...(typeof value.keepOriginals === 'boolean' ? { keepOriginals: value.keepOriginals } : {}),
      ...(value.faces === true ? { faces: true } : {}),
    },
    dropped: stored.filter((_, i) => classifiers[i] === undefined).map(storedName),
  };
}

const NOTICE = 'Your settings on this device could not be read, so the defaults are in use. Set them again below.';

const droppedNotice = (names: readonly string[]): string =>
  `${names.map((n) => `“${n}”`).join(', ')} no longer ${names.length === 1 ? 'passes' : 'pass'} the checks for imported classifiers (at most ${MAX_TOP_K} labels per photo, labels of at most ${MAX_LABEL_CHARS} characters), so ${names.length === 1 ? 'it is' : 'they are'} off. Import ${names.length === 1 ? 'it' : 'them'} again with a smaller topK or shorter labels.`;

/** Reads this device's settings and makes them current; a missing record is the defaults, a bad one too (with a notice). */
export async function loadSettings(vault: Vault): Promise<LoadedSettings> {
  const loaded = await readSettings(vault);
  setSettings(loaded.settings);
  setNotice(loaded.notice);
  return loaded;
}

async function readSettings(vault: Vault): Promise<LoadedSettings> {
  let record: Awaited<ReturnType<Vault['records']['load']>>;
  try {
    record = await vault.records.load(RECORD_NAME);
  } catch (e) {
    record = { ok: false, error: { code: 'E_FORMAT', message: e instanceof Error ? e.message : String(e) } };
  }
  let loaded: LoadedSettings = { settings: DEFAULT_SETTINGS };
  if (record && !record.ok) loaded = { settings: DEFAULT_SETTINGS, notice: NOTICE };
  if (record?.ok) {
    let parsed: ReturnType<typeof parseSettings>;
    try {
      parsed = parseSettings(JSON.parse(new TextDecoder().decode(record.value)));
    } catch {
      parsed = undefined;
    }
    loaded = !parsed ? { settings: DEFAULT_SETTINGS, notice: NOTICE }
      : parsed.dropped.length > 0 ? { settings: parsed.settings, notice: droppedNotice(parsed.dropped) }
      : { settings: parsed.settings };
  }
  return loaded;
}

let saved: (() => void) | undefined;

/** The session passes this on to the profile's other tabs (sync/tabs/tab-session.ts), which read the settings again. */
export function onSettingsSaved(listener: (() => void) | undefined): void {
  saved = listener;
}

/**
 * Stores `patch` over the settings stored now, not over this tab's copy: another tab of the
 * profile may have stored others since this one read them, and a whole stale copy written
 * back would undo them (issue 18 §3). Read and write run under the profile's settings lock;
 * the other tabs are told to read them again. A function patch is given the stored settings.
 */
export async function updateSettings(vault: Vault, patch: Partial<AppSettings> | ((stored: AppSettings) => Partial<AppSettings>)): Promise<void> {
  const store = async () => {
    const { settings: current } = await readSettings(vault);
    const next = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
    const bytes = new TextEncoder().encode(JSON.stringify({ v: RECORD_VERSION, ...next }));
    await vault.records.save(RECORD_NAME, bytes);
    setSettings(next);
  };
  const exclusive = browserServices().exclusive;
  await (exclusive ? exclusive(SETTINGS_LOCK, store) : store());
  saved?.();
}

/** The servers sync uses: those set in Settings, else the page origin's own. */
export function syncUrlsOf(settings: AppSettings): SyncUrls {
  const sync = settings.sync;
  if (!sync) return defaultSyncUrls();
  return {
    signalingUrls: sync.signalingUrls,
    relayUrl: sync.relayUrl,
    blobsUrl: sync.blobsUrl,
    iceServers: sync.iceServers.map((s) => ({ ...s, urls: [...s.urls] })),
  };
}

/** Back to defaults in memory (the vault locked); the sealed record stays. */
export function forgetSettings(): void {
  setSettings(DEFAULT_SETTINGS);
  setNotice(undefined);
}

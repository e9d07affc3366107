import { fromBase64Url, toBase64Url, type Result } from '../../crypto/index.ts';

/**
 * The envelope every link of ours shares: `<origin>/<path><base64url(version ‖ body)>`, the
 * payload in the fragment so no server sees it (sync/PROTOCOL.md "Invite link", "Device
 * link"). Only the envelope is here: each link keeps its own fields, limits, version rules,
 * codes and words (invite-link.ts, device-link-request.ts, device-link.ts).
 */
export function linkUrl(origin: string, path: string, payload: Uint8Array): string {
  return `${origin.replace(/\/+$/, '')}/${path}${toBase64Url(payload)}`;
}

export interface LinkEnvelopeRules<C extends string> {
  /** The fragment the payload follows, e.g. `#/join/`. */
  readonly path: string;
  /** A longer string is not read at all. */
  readonly maxChars: number;
  /** The link's own format code, for every failure here. */
  readonly code: C;
  /** The link's words for: not a string or too long; no `path`; no payload after it (empty or not base64url). */
  readonly words: { readonly notALink: string; readonly noPath: string; readonly noPayload: string };
}

/** The payload after `rules.path`, at least its version byte; its version is the link's to judge. */
export function readLinkPayload<C extends string>(url: unknown, rules: LinkEnvelopeRules<C>): Result<Uint8Array, C> {
  const failure = (message: string): Result<Uint8Array, C> => ({ ok: false, error: { code: rules.code, message } });
  if (typeof url !== 'string' || url.length > rules.maxChars) return failure(rules.words.notALink);
  const at = url.indexOf(rules.path);
  if (at < 0) return failure(rules.words.noPath);
  const bytes = fromBase64Url(url.slice(at + rules.path.length));
  if (!bytes.ok || bytes.value.length === 0) return failure(rules.words.noPayload);
  return { ok: true, value: bytes.value };
}

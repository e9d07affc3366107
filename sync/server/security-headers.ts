/**
 * The Content-Security-Policy, in one place: app-server.ts sends it as a header on every
 * response, and vite.config.ts writes the same policy, less what a <meta> cannot carry,
 * into index.html (so a copy of dist/ served by some other static host keeps the rest).
 *
 * Note: frame-ancestors only works as a header (browsers ignore it in a <meta>), and
 * X-Frame-Options: DENY says the same to browsers without CSP level 2. Framing is refused
 * because a transparent frame of the app under a "click here" page could make a person
 * press "Yes, they match" (device link) or "Withdraw" without seeing it.
 */
const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  // wasm-unsafe-eval: libsodium and onnxruntime compile WebAssembly; no JS eval.
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self' 'unsafe-inline'"],
  // blob: decrypted photos and thumbnails; data: the QR codes.
  ['img-src', "'self' blob: data:"],
  ['connect-src', "'self' ws://127.0.0.1:* ws://localhost:*"],
  ['worker-src', "'self' blob:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Directives a <meta http-equiv> policy cannot carry (CSP3 §6.2: ignored with a warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

const join = (directives: readonly (readonly [string, string])[]) => directives.map(([name, value]) => `${name} ${value}`).join('; ');

export const CONTENT_SECURITY_POLICY = join(DIRECTIVES);
export const META_CONTENT_SECURITY_POLICY = join(DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)));

/** Sent with every response of the app server, next to ISOLATION_HEADERS. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

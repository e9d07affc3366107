export interface Strength {
  readonly level: 0 | 1 | 2 | 3;
  readonly label: string;
}

/**
 * A rough estimate from length and character variety. It only nudges; Argon2id makes
 * each guess slow, but cannot save a passphrase that is guessed early.
 */
export function passphraseStrength(passphrase: string): Strength {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(passphrase)).length;
  const words = passphrase.trim().split(/\s+/).filter(Boolean).length;
  const score = passphrase.length + classes * 3 + (words >= 4 ? 10 : 0);
  if (passphrase.length < 10) return { level: 0, label: 'too short' };
  if (score < 22) return { level: 1, label: 'weak' };
  if (score < 32) return { level: 2, label: 'fair' };
  return { level: 3, label: 'strong' };
}

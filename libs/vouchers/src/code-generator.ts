import { randomInt } from 'node:crypto';
import { USERNAME_RE } from '@app/aaa';

/**
 * Voucher codes: what a guest types on a phone from a printed card, and what the router
 * sends as User-Name and password. Pure apart from the CSPRNG, which is injectable for tests.
 */

/**
 * No 0/O/o, 1/I/l/i, 2/Z, 5/S, 8/B, U/V: the characters people misread on paper. Upper case
 * only: usernames are case-insensitive anyway, and a code must log in however it is typed.
 */
export const DEFAULT_ALPHABET = '34679ACDEFGHJKLMNPQRTWXY';
export const DEFAULT_CODE_LENGTH = 10;
export const MIN_CODE_LENGTH = 6;
export const MAX_CODE_LENGTH = 32;
/**
 * A login the router and FreeRADIUS carry as is: the username rule without `.` `@` `+` `-`
 * (URL-, CSV- and QR-safe; a code starting with `-` would be a formula to a spreadsheet).
 */
export const ALPHABET_RE = /^[A-Za-z0-9_]+$/;
/** Guessing a code must stay hopeless: at least 2^40 possibilities per code. */
export const MIN_ENTROPY_BITS = 40;

export interface CodeSpec {
  prefix: string;
  length: number;
  alphabet: string;
}

export type SpecError = string;

/**
 * What makes a set of codes acceptable: a safe alphabet without repeats (which would make
 * some characters likelier), case-insensitively distinct (codes are usernames, and `a`
 * and `A` name one account), enough entropy, and prefix plus code a valid username.
 */
export function checkSpec(spec: CodeSpec): SpecError | null {
  const { prefix, length, alphabet } = spec;
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH) {
    return `codeLength must be ${MIN_CODE_LENGTH}..${MAX_CODE_LENGTH}`;
  }
  if (!ALPHABET_RE.test(alphabet)) return 'alphabet may only contain A-Z a-z 0-9 _';
  const folded = alphabet.toUpperCase();
  if (new Set(folded).size !== folded.length) return 'alphabet must not repeat a character (case-insensitively)';
  if (alphabet.length < 2) return 'alphabet needs at least 2 characters';
  if (length * Math.log2(alphabet.length) < MIN_ENTROPY_BITS) {
    return `codes of ${length} characters from ${alphabet.length} are too easy to guess (need ${MIN_ENTROPY_BITS} bits)`;
  }
  if (prefix && !/^[A-Za-z0-9_][A-Za-z0-9_-]{0,15}$/.test(prefix)) {
    return 'prefix must be 1-16 characters of A-Z a-z 0-9 _ -, not starting with -';
  }
  if (!USERNAME_RE.test(prefix + alphabet[0].repeat(length))) return 'prefix plus code must be a valid username (at most 64 characters)';
  return null;
}

export type RandomIndex = (max: number) => number;

/** One code: every character drawn uniformly (crypto.randomInt has no modulo bias). */
export function generateCode(spec: CodeSpec, random: RandomIndex = randomInt): string {
  let out = spec.prefix;
  for (let i = 0; i < spec.length; i++) out += spec.alphabet[random(spec.alphabet.length)];
  return out;
}

/**
 * `count` codes, distinct among themselves case-insensitively. Uniqueness against codes
 * already stored is the database's job (the unique username index); the caller draws
 * replacements for the few that collide.
 */
export function generateCodes(
  count: number,
  spec: CodeSpec,
  random: RandomIndex = randomInt,
  exclude: ReadonlySet<string> = new Set(),
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // A bounded loop: a tiny code space must fail loudly, not spin.
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 20 + 1000) throw new Error('could not draw enough distinct codes: the code space is too small');
    const code = generateCode(spec, random);
    const key = code.toLowerCase();
    if (seen.has(key) || exclude.has(key)) continue;
    seen.add(key);
    out.push(code);
  }
  return out;
}

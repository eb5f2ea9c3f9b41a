/**
 * The one verdict on a mailbox password, used by the strength meter in the browser and by the API that
 * refuses weak ones, so the two cannot disagree: zxcvbn-ts with its common and English dictionaries
 * (passwords, words, names, keyboard walks), plus the list the admin passwords are checked against — the
 * 3,000 most common passwords of the same @zxcvbn-ts/language-common, repeated or padded included.
 *
 * Everything heavy (the estimator and ~1.6 MB of dictionaries) loads on first use: the SPA's first load and
 * the api Lambda's cold start do not pay for it.
 */

/** zxcvbn's scores: 0 very weak … 4 strong. Below this is weak and refused for a mailbox. */
export const STRONG_ENOUGH_SCORE = 3;

/** How many of language-common's ranked passwords make the "most common" list (the admin passwords' list). */
export const COMMON_PASSWORD_COUNT = 3000;

export interface PasswordVerdict {
  /** zxcvbn's score 0–4, or 0 when the password is on the common list. */
  score: 0 | 1 | 2 | 3 | 4;
  /** One of the most common passwords, or one of them repeated or padded with digits and symbols. */
  common: boolean;
  /** What the meter shows as Very weak, Weak or Fair and the API refuses. */
  weak: boolean;
}

export type PasswordJudge = (password: string, userInputs?: readonly string[]) => PasswordVerdict;

/** The first `COMMON_PASSWORD_COUNT` distinct lower-cased entries of a frequency-ranked list. */
export function topCommonPasswords(ranked: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const p of ranked) {
    seen.add(p.toLowerCase());
    if (seen.size === COMMON_PASSWORD_COUNT) break;
  }
  return [...seen];
}

/** Digits, punctuation, symbols (emoji included) and spaces: what people pad a weak word with. */
const PADDING = /^[\p{N}\p{P}\p{S}\p{Z}]*$/u;
const SHORTEST = 4;

/**
 * True when the password, ignoring case, is on `common`, or one of its entries repeated
 * ("dragondragondragon", also with spaces or symbols between) or with nothing but digits, symbols or spaces
 * around it ("monkey123456789!").
 */
export function matchesCommonPassword(password: string, common: ReadonlySet<string>): boolean {
  const longest = Math.max(SHORTEST, longestOf(common));
  const p = password.normalize('NFC').toLowerCase();
  if (common.has(p)) return true;
  for (const r of new Set([p, p.replace(/[\p{P}\p{S}\p{Z}]/gu, '')])) {
    for (let unit = SHORTEST; unit <= Math.min(longest, r.length / 2); unit++) {
      if (r.length % unit === 0 && common.has(r.slice(0, unit)) && r.slice(0, unit).repeat(r.length / unit) === r) return true;
    }
  }
  // A listed word at [start, end) with only padding before and after it.
  const chars = [...p];
  let lead = 0;
  while (lead < chars.length && PADDING.test(chars[lead]!)) lead++;
  let trail = chars.length;
  while (trail > 0 && PADDING.test(chars[trail - 1]!)) trail--;
  for (let start = 0; start <= Math.min(lead, chars.length); start++) {
    for (let end = Math.max(start + SHORTEST, trail); end <= Math.min(chars.length, start + longest); end++) {
      if (common.has(chars.slice(start, end).join(''))) return true;
    }
  }
  return false;
}

const longestBySet = new WeakMap<ReadonlySet<string>, number>();
function longestOf(common: ReadonlySet<string>): number {
  let n = longestBySet.get(common);
  if (n === undefined) {
    n = 0;
    for (const p of common) n = Math.max(n, [...p].length);
    longestBySet.set(common, n);
  }
  return n;
}

/** An address among the inputs also counts by its local part, domain and the domain's labels, whichever form the caller gave. */
function expandInputs(inputs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const i of inputs) {
    if (!i) continue;
    out.add(i.toLowerCase());
    const at = i.lastIndexOf('@');
    if (at > 0) {
      out.add(i.slice(0, at).toLowerCase());
      out.add(i.slice(at + 1).toLowerCase());
    }
    // "harborview" of harborview.example is as guessable as the whole domain.
    for (const label of i.slice(at + 1).toLowerCase().split('.')) {
      if (label.length >= 3) out.add(label);
    }
  }
  return [...out];
}

let judge: Promise<PasswordJudge> | undefined;

/** Loads the estimator and its dictionaries once (they are large) and returns the judge. */
export function loadPasswordJudge(): Promise<PasswordJudge> {
  judge ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')])
    .then(([core, common, en]) => {
      const zxcvbn = new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      });
      const list = new Set(topCommonPasswords(common.dictionary['passwords-common']));
      return (password: string, userInputs: readonly string[] = []): PasswordVerdict => {
        // zxcvbn's cost grows with length; past 256 characters a password is not weak for want of length.
        const isCommon = matchesCommonPassword(password, list);
        const score = isCommon ? 0 : zxcvbn.check(password.slice(0, 256), expandInputs(userInputs)).score;
        return { score, common: isCommon, weak: isCommon || score < STRONG_ENOUGH_SCORE };
      };
    })
    .catch((e: unknown) => {
      judge = undefined; // a failed chunk load (offline SPA) may succeed on the next try
      throw e;
    });
  return judge;
}

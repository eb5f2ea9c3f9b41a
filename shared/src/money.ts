/**
 * Exact decimal-string helpers. PurelyMail reports credit as a BigDecimal string with 64 digits of
 * precision; parsing it into a float would round, so every helper here works on the digits.
 */

/** Thrown when a string is not a plain or scientific decimal number. The input is not a secret, but stays out of the message anyway to keep logs short. */
export class InvalidDecimalError extends Error {
  override readonly name = 'InvalidDecimalError';
  constructor(options?: ErrorOptions) {
    super('Not a decimal number', options);
  }
}

// Java's BigDecimal.toString may use exponent notation (e.g. "0E-64"), so accept it.
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

interface DecimalParts {
  negative: boolean;
  /** Integer digits without leading zeros ("" for zero). */
  int: string;
  /** Fraction digits without trailing zeros. */
  frac: string;
}

export function isDecimal(s: string): boolean {
  return DECIMAL.test(s);
}

function parse(s: string): DecimalParts {
  const m = DECIMAL.exec(s);
  if (!m) throw new InvalidDecimalError();
  const [, sign = '', intDigits = '', fracDigits = '', exponent = '0'] = m;
  let digits = intDigits + fracDigits;
  let point = intDigits.length + Number(exponent);
  // Shift the decimal point by the exponent, padding with zeros on either side.
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits = digits + '0'.repeat(point - digits.length);
  }
  const int = digits.slice(0, point).replace(/^0+/, '');
  const frac = digits.slice(point).replace(/0+$/, '');
  const isZero = int === '' && frac === '';
  return { negative: sign === '-' && !isZero, int, frac };
}

function compareMagnitude(a: DecimalParts, b: DecimalParts): -1 | 0 | 1 {
  if (a.int.length !== b.int.length) return a.int.length < b.int.length ? -1 : 1;
  if (a.int !== b.int) return a.int < b.int ? -1 : 1;
  const width = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(width, '0');
  const fb = b.frac.padEnd(width, '0');
  if (fa === fb) return 0;
  return fa < fb ? -1 : 1;
}

/** Compares two decimal strings exactly. Throws InvalidDecimalError for non-decimals. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const pa = parse(a);
  const pb = parse(b);
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const magnitude = compareMagnitude(pa, pb);
  return (pa.negative ? -magnitude : magnitude) as -1 | 0 | 1;
}

/**
 * Formats a decimal string as US dollars, truncated (toward zero) to whole cents, so a balance is
 * never shown as more than it is.
 *
 * @example formatCredit('19.1607994830137318004587841289974404320987654320987654320987654320987598') // "$19.16"
 * @example formatCredit('-1.5') // "-$1.50"
 */
export function formatCredit(decimal: string): string {
  const { negative, int, frac } = parse(decimal);
  const cents = frac.slice(0, 2).padEnd(2, '0');
  const dollars = (int || '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const showSign = negative && (int !== '' || cents !== '00');
  return `${showSign ? '-' : ''}$${dollars}.${cents}`;
}

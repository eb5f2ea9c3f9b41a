import { describe, expect, it } from 'vitest';
import { compareDecimal, formatCredit, InvalidDecimalError, isDecimal } from './money.ts';

// Examples from the PurelyMail reference (checkAccountCredit, precision 64).
const LONG = '19.1607994830137318004587841289974404320987654320987654320987654320987598';
const SHORT = '9.01254597919837645865043125317098';

describe('formatCredit', () => {
  it('truncates the 64-digit examples to cents', () => {
    expect(formatCredit(LONG)).toBe('$19.16');
    expect(formatCredit(SHORT)).toBe('$9.01');
  });

  it('never rounds up, even when the next digits are all nines', () => {
    expect(formatCredit('0.0099999999999999999999999999999999999999999999999999999999999999')).toBe('$0.00');
    expect(formatCredit('4.999999999999999999999999999999999999999999999999999999999999999')).toBe('$4.99');
  });

  it('pads cents and adds thousands separators', () => {
    expect(formatCredit('5')).toBe('$5.00');
    expect(formatCredit('5.1')).toBe('$5.10');
    expect(formatCredit('1234567.891')).toBe('$1,234,567.89');
    expect(formatCredit('1000')).toBe('$1,000.00');
    expect(formatCredit('999.999')).toBe('$999.99');
    expect(formatCredit('0007.5')).toBe('$7.50');
  });

  it('formats negatives with the sign before the dollar and truncates toward zero', () => {
    expect(formatCredit('-1.5')).toBe('-$1.50');
    expect(formatCredit('-1.509')).toBe('-$1.50');
    expect(formatCredit('-2500.75')).toBe('-$2,500.75');
  });

  it('does not show a negative zero', () => {
    expect(formatCredit('-0.004')).toBe('$0.00');
    expect(formatCredit('-0')).toBe('$0.00');
  });

  it('accepts the exponent form Java BigDecimal can produce', () => {
    expect(formatCredit('0E-64')).toBe('$0.00');
    expect(formatCredit('1.5E+3')).toBe('$1,500.00');
    expect(formatCredit('12345E-2')).toBe('$123.45');
  });

  it('rejects non-decimals', () => {
    expect(() => formatCredit('')).toThrow(InvalidDecimalError);
    expect(() => formatCredit('abc')).toThrow(InvalidDecimalError);
    expect(() => formatCredit('1.2.3')).toThrow(InvalidDecimalError);
    expect(() => formatCredit('NaN')).toThrow(InvalidDecimalError);
  });
});

describe('compareDecimal', () => {
  it('compares beyond float precision', () => {
    const a = '19.1607994830137318004587841289974404320987654320987654320987654320987598';
    const b = '19.1607994830137318004587841289974404320987654320987654320987654320987599';
    expect(compareDecimal(a, b)).toBe(-1);
    expect(compareDecimal(b, a)).toBe(1);
    expect(compareDecimal(a, a)).toBe(0);
  });

  it('treats representations of the same value as equal', () => {
    expect(compareDecimal('5', '5.000')).toBe(0);
    expect(compareDecimal('05.10', '5.1')).toBe(0);
    expect(compareDecimal('-0', '0')).toBe(0);
    expect(compareDecimal('1.5E+1', '15')).toBe(0);
  });

  it('orders by integer length, digits, then fraction', () => {
    expect(compareDecimal('10', '9.999')).toBe(1);
    expect(compareDecimal('4.50', '5')).toBe(-1);
    expect(compareDecimal(LONG, '20')).toBe(-1);
    expect(compareDecimal(LONG, '19.16')).toBe(1);
    expect(compareDecimal('0.1', '0.09')).toBe(1);
  });

  it('handles signs', () => {
    expect(compareDecimal('-1', '0')).toBe(-1);
    expect(compareDecimal('-1', '-2')).toBe(1);
    expect(compareDecimal('-2.5', '-2.49')).toBe(-1);
    expect(compareDecimal('1', '-100')).toBe(1);
  });

  it('throws for non-decimals', () => {
    expect(() => compareDecimal('x', '1')).toThrow(InvalidDecimalError);
  });
});

describe('isDecimal', () => {
  it('accepts decimal strings and rejects others', () => {
    expect(isDecimal(LONG)).toBe(true);
    expect(isDecimal('-1.50')).toBe(true);
    expect(isDecimal('0E-64')).toBe(true);
    expect(isDecimal('1.')).toBe(false);
    expect(isDecimal('.5')).toBe(false);
    expect(isDecimal('1,000')).toBe(false);
    expect(isDecimal(' 1')).toBe(false);
    expect(isDecimal('Infinity')).toBe(false);
  });
});

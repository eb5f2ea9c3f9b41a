import type { CreditLevel } from '@app/shared';

export type CreditTone = {
  /** Text colour for the amount. */
  text: string;
  /** Ring/background accent for the card. */
  accent: string;
  /** Short label for screen readers and the badge. */
  label: string;
  badge: 'success' | 'warning' | 'danger' | 'neutral';
};

/** Map the server's credit level to colours. `null` means never synced. */
export function creditTone(level: CreditLevel | null | undefined): CreditTone {
  switch (level) {
    case 'ok':
      return { text: 'text-emerald-700', accent: 'border-slate-200', label: 'Healthy', badge: 'success' };
    case 'amber':
      return { text: 'text-amber-700', accent: 'border-amber-300 bg-amber-50', label: 'Running low', badge: 'warning' };
    case 'red':
      return { text: 'text-red-700', accent: 'border-red-300 bg-red-50', label: 'Critically low', badge: 'danger' };
    default:
      return { text: 'text-slate-500', accent: 'border-slate-200', label: 'Not synced yet', badge: 'neutral' };
  }
}

/** "$5" / "$4.50" from a decimal string such as "5" or "4.5"; an already formatted "$5" is kept. */
export function formatDollars(amount: string): string {
  const trimmed = amount.trim();
  if (trimmed.startsWith('$')) return trimmed;
  const [whole, frac = ''] = trimmed.split('.');
  if (!frac || /^0+$/.test(frac)) return `$${whole}`;
  return `$${whole}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

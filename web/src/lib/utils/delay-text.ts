/**
 * "24 hours", "1 hour", "3 days" for a whole number of hours: what a deletion confirmation promises.
 * @example delayText(48) // "2 days"
 */
export function delayText(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days`;
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

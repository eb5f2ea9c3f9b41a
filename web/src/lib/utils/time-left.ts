/**
 * "23 h left", "45 min left", "due now": how long until a pending action runs, rounded so it never
 * promises more time than there is (23 h 59 min shows as 23 h).
 *
 * @example timeLeft('2026-11-22T09:00:00Z', new Date('2026-11-21T09:30:00Z')) // "23 h left"
 */
export function timeLeft(executeAt: string, now: Date): string {
  const ms = Date.parse(executeAt) - now.getTime();
  if (Number.isNaN(ms)) return '—';
  if (ms <= 60_000) return 'due now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h left`;
  return `${Math.floor(hours / 24)} days left`;
}

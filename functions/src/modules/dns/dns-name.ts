/** DNS names compare case-insensitively and with or without the root dot; normalise before comparing. */
export function normalizeDnsName(name: string): string {
  return name.trim().replace(/\.+$/, '').toLowerCase();
}

export function sameDnsName(a: string, b: string): boolean {
  return normalizeDnsName(a) === normalizeDnsName(b);
}

/** Only follow `next` to a path on this site: "/x" yes, "//evil.com" and "https://…" no. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if ([...next].some((c) => c.charCodeAt(0) < 0x20)) return '/';
  if (next.startsWith('/login') || next.startsWith('/setup')) return '/';
  return next;
}

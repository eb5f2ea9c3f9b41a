/** The generated mailbox passwords as CSV (address,password), quoted per RFC 4180, for the one-time download. */
export function mailboxesCsv(rows: { address: string; password: string }[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['address,password', ...rows.map((r) => `${q(r.address)},${q(r.password)}`)].join('\r\n') + '\r\n';
}

/** Starts a download of `text` without it ever touching a server. */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

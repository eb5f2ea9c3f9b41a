import { toCsv } from '@app/shared/csv-file';

/**
 * New mailboxes and their passwords as CSV (address,password[,note]) for a one-time download, through the panel's
 * one CSV writer. The password column is written verbatim: a typed password may start with - or = and must
 * come out exactly as it is; every other column keeps the formula guard.
 */
export function credentialsCsv(rows: readonly { address: string; password: string; note?: string }[]): Promise<string> {
  const withNote = rows.some((r) => r.note);
  const header = withNote ? ['address', 'password', 'note'] : ['address', 'password'];
  return toCsv(header, rows.map((r) => (withNote ? [r.address, r.password, r.note ?? ''] : [r.address, r.password])), { verbatim: ['password'] });
}

/**
 * Starts a download of `text` without it ever touching a server. The link is clicked inside the open modal
 * dialog when there is one: the page behind a modal is inert, and Chromium ignores a click on a link there.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  (document.querySelector('dialog[open]') ?? document.body).append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

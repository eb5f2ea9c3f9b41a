import { toCsv } from '@app/shared/csv-file';

/**
 * The generated mailbox passwords as CSV (address,password) for the one-time download, through the panel's one
 * CSV writer. The formula guard cannot touch a password: the generator's alphabet has no = + - @ , ; (see
 * functions/src/modules/campaigns/generate-password.ts).
 */
export function mailboxesCsv(rows: { address: string; password: string }[]): Promise<string> {
  return toCsv(['address', 'password'], rows.map((r) => [r.address, r.password]));
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

import { MAX_IMPORT_CSV_CHARS } from '@app/shared';

export type CsvChoice = { csv: string; fileName: string } | { problem: string } | null;

/**
 * The file an admin chose in an import's file input, as text (it stays in the page's memory: it may hold
 * passwords), or why not; null when the choice was cleared. The input is reset, so choosing the same file
 * again after fixing it fires a new change event.
 */
export async function readCsvChoice(e: Event): Promise<CsvChoice> {
  const input = e.currentTarget as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return null;
  if (file.size > MAX_IMPORT_CSV_CHARS) return { problem: 'The file is larger than 2 MB. Split it into several files.' };
  const csv = await file.text();
  input.value = '';
  return { csv, fileName: file.name };
}

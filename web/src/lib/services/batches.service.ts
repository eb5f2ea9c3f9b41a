import { BatchActionResult, BatchDetail, BatchList, ImportPreview, ImportResult, type BatchActionInput, type ImportInput, type ImportPreviewInput } from '@app/shared';
import { api } from '$lib/api/client.ts';

const BASE = '/api/migrations';
const batch = (id: string) => `${BASE}/batches/${encodeURIComponent(id)}`;

/** Batches of jobs (CSV imports, campaign launches): list, one batch, actions on selected jobs, the report. */
export const batchesService = {
  list: () => api.get(`${BASE}/batches`, BatchList),
  detail: (id: string) => api.get(batch(id), BatchDetail),
  act: (id: string, input: BatchActionInput) => api.post(`${batch(id)}/actions`, input, BatchActionResult),
  /** A plain link (the browser downloads it with the session cookie). */
  reportUrl: (id: string) => `${batch(id)}/report.csv`,
};

/** The CSV import: template, preview (per line, no password back) and the import (all or nothing, or valid rows only). */
export const bulkImportService = {
  templateUrl: `${BASE}/import/template.csv`,
  preview: (input: ImportPreviewInput) => api.post(`${BASE}/import/preview`, input, ImportPreview),
  import: (input: ImportInput) => api.post(`${BASE}/import`, input, ImportResult),
};

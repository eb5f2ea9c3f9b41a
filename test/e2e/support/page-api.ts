import { CSRF_HEADER } from '../../../shared/src/index.ts';
import type { Page } from 'playwright-core';

/** A JSON request from the signed-in page, as the SPA makes it (session cookie, CSRF header, same origin). */
export async function pageFetch(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ method, path, body, header }) => {
      const res = await fetch(path, { method, headers: { 'content-type': 'application/json', [header]: '1' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    },
    { method, path, body, header: CSRF_HEADER },
  );
}

/** Like `pageFetch`, for set-up steps that must succeed: the parsed answer, or an error naming the call. */
export async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const r = await pageFetch(page, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return (r.text ? JSON.parse(r.text) : undefined) as T;
}

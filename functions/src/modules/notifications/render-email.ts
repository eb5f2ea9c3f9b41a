/** Escapes text for HTML element content and attribute values: names and domains are user-chosen text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export interface EmailContent {
  subject: string;
  /** Opening sentence. */
  intro: string;
  /** Label → value lines ("Requested by" → "ann@example.com"). */
  facts?: [string, string][];
  /** Closing sentence, e.g. what to do. */
  outro?: string;
  link?: { url: string; label: string };
}

// Header injection guard: a subject never carries a line break, whatever text went into it.
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 200);

/** Renders one notification as plain text plus a simple HTML version; every value is escaped. */
export function renderEmail(content: EmailContent): { subject: string; text: string; html: string } {
  const facts = content.facts ?? [];
  const text = [
    content.intro,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(facts.length ? [''] : []),
    ...(content.outro ? [content.outro, ''] : []),
    ...(content.link ? [`${content.link.label}: ${content.link.url}`, ''] : []),
    '— PurelyManage',
  ].join('\n');
  const rows = facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#222">',
    `<p>${escapeHtml(content.intro)}</p>`,
    rows ? `<table>${rows}</table>` : '',
    content.outro ? `<p>${escapeHtml(content.outro)}</p>` : '',
    content.link ? `<p><a href="${escapeHtml(content.link.url)}">${escapeHtml(content.link.label)}</a></p>` : '',
    '<p style="color:#777">— PurelyManage</p></body></html>',
  ].join('');
  return { subject: oneLine(content.subject), text, html };
}

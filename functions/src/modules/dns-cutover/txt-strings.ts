/**
 * A TXT value as zone-file character-strings (RFC 1035 §3.3.14, §5.1): split into ≤255-byte strings, each in double
 * quotes, `"` and `\` escaped, other bytes outside printable ASCII as `\DDD`. BIND writes DDD in decimal; Route 53
 * reads and writes it in octal, hence `base`. dnsz (the zone-file library) leaves record content as it is given,
 * so the quoting of TXT content is ours.
 */
const MAX_STRING_BYTES = 255;

export type EscapeBase = 8 | 10;

export function quoteTxt(text: string, base: EscapeBase = 10): string {
  const bytes = Buffer.from(text, 'utf8');
  const strings: string[] = [];
  for (let offset = 0; offset < bytes.length || strings.length === 0; offset += MAX_STRING_BYTES) {
    strings.push(`"${escapeBytes(bytes.subarray(offset, offset + MAX_STRING_BYTES), base)}"`);
  }
  return strings.join(' ');
}

function escapeBytes(bytes: Uint8Array, base: EscapeBase): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(base).padStart(3, '0')}`;
  }
  return out;
}

/**
 * The text of zone-file TXT content: `"v=spf1 …"` or `"part one" "part two"` joined, escapes undone, bytes decoded
 * as UTF-8. Content without quotes (one bare word) is taken as it is.
 */
export function unquoteTxt(content: string, base: EscapeBase = 10): string {
  const trimmed = content.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  const chars = Array.from(trimmed); // code points, so a character outside the BMP stays whole
  const bytes: number[] = [];
  let inString = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!inString) {
      if (c === '"') inString = true;
      continue;
    }
    if (c === '"') {
      inString = false;
    } else if (c === '\\') {
      const digits = chars.slice(i + 1, i + 4).join('');
      if (/^\d{3}$/.test(digits)) {
        bytes.push(parseInt(digits, base));
        i += 3;
      } else {
        bytes.push(...Buffer.from(chars[i + 1] ?? '', 'utf8'));
        i += 1;
      }
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

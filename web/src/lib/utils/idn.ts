/**
 * The ASCII (punycode, xn--) form of an international domain name, as DNS and PurelyMail use it, or null when
 * the name is plain ASCII or cannot be converted. The browser's own IDNA (through URL) does the conversion.
 * @example asciiDomain('café.example') // 'xn--caf-dma.example'
 */
export function asciiDomain(name: string): string | null {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  // eslint-disable-next-line no-control-regex
  if (!n || /^[\x00-\x7f]*$/.test(n)) return null;
  try {
    const host = new URL(`http://${n}/`).hostname;
    return host && host !== n ? host : null;
  } catch {
    return null;
  }
}

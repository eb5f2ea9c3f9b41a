// IMAP mailbox names on the wire are modified UTF-7 (RFC 3501 §5.1.3): `Проекты` is `&BB8EQAQ+BDUEOgRCBEs-`,
// `R&D` is `R&-D`. imapsync matches --folder and --exclude against that raw form, and a LIST answer carries it.
// The codec is emailjs-utf7 (the RFC 2152/3501 codec by K. Käfer, MIT, one dependency); chosen over the `utf7`
// package of the same lineage because that one pins semver 5.3, which has a published ReDoS advisory.
import { imapDecode, imapEncode } from 'emailjs-utf7';

/** The raw (modified UTF-7) form of a folder name as a person types it. ASCII names other than `&` are unchanged. */
export function encodeMailboxName(name: string): string {
  return imapEncode(name);
}

/**
 * The readable form of a raw mailbox name. A name that is not valid modified UTF-7 (a server that sends UTF-8,
 * RFC 6855) is returned as it is rather than garbled.
 */
export function decodeMailboxName(raw: string): string {
  if (!raw.includes('&')) return raw;
  // Only `&-` and `&<modified base64>-` runs are legal; anything else means the name is not modified UTF-7.
  if (!/^(?:[\x20-\x25\x27-\x7e]|&-|&[A-Za-z0-9+,]+-)*$/.test(raw)) return raw;
  const decoded = imapDecode(raw);
  return decoded.includes('\uFFFD') ? raw : decoded;
}

/** emailjs-utf7 4.0.1 ships no types; only the IMAP (RFC 3501 §5.1.3) pair is used. */
declare module 'emailjs-utf7' {
  export function imapEncode(text: string): string;
  export function imapDecode(text: string): string;
}

/** One email to one recipient, fully rendered (so the outbox can resend it byte for byte). */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID without angle brackets, deterministic per (event, recipient). */
  messageId: string;
  date: Date;
}

/** Sends email. SES v2 on AWS; `.eml` files (and SMTP when configured) locally. Throws when sending failed. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

/** A send record: one per (event id, recipient); it doubles as the outbox item while not yet sent. */
export interface SendRecord {
  eventId: string;
  recipient: string;
  status: 'sending' | 'sent' | 'failed';
  email: Omit<OutgoingEmail, 'date'> & { date: string };
  attempts: number;
  /** When the sweeper may (re)try it; absent once sent or given up. */
  retryAt: string | null;
  lastError: string | null;
}

export interface SendRecordStore {
  /**
   * Creates the record with a conditional put. False when it already exists: the trigger was delivered
   * twice, or another process is sending it, and this caller must not send.
   */
  claim(record: SendRecord): Promise<boolean>;
  markSent(eventId: string, recipient: string, attempts: number): Promise<void>;
  /** Leaves the record in the outbox for a retry at `retryAt`, or gives up (`retryAt` null). */
  markFailed(eventId: string, recipient: string, attempts: number, error: string, retryAt: string | null): Promise<void>;
  /** Unsent records whose `retryAt` has passed, oldest first (the outbox). */
  listDue(now: Date, limit: number): Promise<SendRecord[]>;
  /**
   * Takes a due record for one more attempt: a conditional update that only succeeds while `attempts` is
   * still the value the sweeper read, and raises it by one, so two sweepers never resend the same email.
   * Pushes `retryAt` to `leaseUntil` (a crash mid-send is retried after the lease).
   */
  takeForRetry(eventId: string, recipient: string, attempts: number, leaseUntil: string): Promise<boolean>;
  get(eventId: string, recipient: string): Promise<SendRecord | undefined>;
  /** Every recipient's record of one event (who was, or is being, sent it). */
  listForEvent(eventId: string): Promise<SendRecord[]>;
}

/** Who gets panel notifications: every admin (from the admin store). */
export interface AdminDirectory {
  emails(): Promise<string[]>;
}

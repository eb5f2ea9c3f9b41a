import type { AppPasswordPurpose } from '@app/shared';
import type { SealedSecret } from '../secrets/ports.ts';

/**
 * One app password the panel created at PurelyMail. PurelyMail has no list endpoint and deletes an app password
 * by its secret value (deleteAppPassword {userName, appPassword}), so the panel keeps each one it made, with the
 * secret sealed (never in clear), until it has deleted it again.
 */
export interface AppPasswordRecord {
  id: string;
  mailbox: string;
  name: string;
  purpose: AppPasswordPurpose;
  createdBy: string;
  createdAt: string;
  /** Sealed under APP_PASSWORD_SECRET_PURPOSE bound to the record id: what a later delete needs. */
  sealedSecret: SealedSecret;
  jobId: string | null;
  campaignId: string | null;
  /** Deletion was asked for (job deleted, revoke, sweep) and has not succeeded yet. */
  deleteRequestedAt: string | null;
  deleteError: string | null;
  deleteAttempts: number;
}

export interface AppPasswordStore {
  put(record: AppPasswordRecord): Promise<void>;
  get(id: string): Promise<AppPasswordRecord | undefined>;
  /** The ones of one mailbox, newest first. */
  listForMailbox(mailbox: string): Promise<AppPasswordRecord[]>;
  /** All of them (the sweep; a panel makes tens to a few thousand). */
  listAll(): Promise<AppPasswordRecord[]>;
  /** Records a failed deletion (idempotent overwrite of the three fields). */
  markDeleteFailed(id: string, at: string, error: string): Promise<void>;
  delete(id: string): Promise<void>;
}

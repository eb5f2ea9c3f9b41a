import type { Clock } from '../../platform/clock.ts';
import type { Audit } from '../audit/audit.ts';
import type { DestAppPasswords, ServerStore } from '../migrations/ports.ts';
import type { SecretSealer } from '../secrets/ports.ts';
import type { BatchCreator, CampaignLimits, CampaignStore, ChallengeStore, CredentialVerifier, MailboxDirectory, RateCounter, SubmissionStore } from './ports.ts';

/** What the campaigns capability needs; wired once in the composition root. Seal-only: nothing here opens. */
export interface CampaignDeps {
  campaigns: CampaignStore;
  submissions: SubmissionStore;
  /** Proof-of-work challenges of the public form's step-up. */
  challenges: ChallengeStore;
  servers: Pick<ServerStore, 'get'>;
  counter: RateCounter;
  limits: CampaignLimits;
  verifier: CredentialVerifier;
  sealer: SecretSealer;
  mailboxes: MailboxDirectory;
  /** Resolved at launch (undefined: the runtime cannot create jobs). */
  batches: () => BatchCreator | undefined;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  /** The panel's own URL: links are generated from it (never from a request's Host header). */
  panelUrl: string;
  /** A fresh job id (the seal context of a submission's passwords). */
  newJobId: (now: Date) => string;
  /** App passwords on existing PurelyMail mailboxes, so a mapping never asks for their password. */
  appPasswords?: DestAppPasswords;
}

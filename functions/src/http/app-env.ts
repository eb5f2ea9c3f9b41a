import type { Settings } from '@app/shared';
import type { Context } from 'hono';
import type { AdminRecord, SessionRecord } from '../modules/auth/ports.ts';

/** Per-request values set by middleware and read by handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    admin: AdminRecord;
    session: SessionRecord;
    /** The settings, read alongside the session by requireSession (absent on public routes). */
    settings: Promise<Settings> | undefined;
    /** What an audited action acted on; handlers set it when the URL does not say. */
    auditTarget: string;
    /** Who acted, for public routes where no session exists yet (e.g. the email typed at login). */
    auditActor: string;
    auditDetails: string;
  };
}
export type AppContext = Context<AppEnv>;

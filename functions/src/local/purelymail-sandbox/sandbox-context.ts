import { createHash } from 'node:crypto';
import type { SandboxBehaviour } from './sandbox-behaviour.ts';
import type { SandboxDns } from './sandbox-dns.ts';
import type { SandboxState } from './sandbox-state.ts';

/** What an operation handler may use. */
export interface SandboxContext {
  state: SandboxState;
  dns: SandboxDns;
  behaviour: SandboxBehaviour;
}

/** Sandbox-only secret hashing, so state never holds a password. Not for real credentials. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(`purelymanage-sandbox:${secret}`).digest('hex');
}

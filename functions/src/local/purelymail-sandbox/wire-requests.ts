import * as z from 'zod';

/**
 * What the sandbox accepts on the wire. Deliberately separate from the client's strict schemas:
 * like PurelyMail, it ignores unknown fields and checks only presence and type of known ones, so a
 * client bug (a misspelled field) behaves here as it would in production: silently.
 */
const str = z.string();
const bool = z.boolean();

export const WIRE_REQUESTS = {
  createUser: z.object({
    userName: str,
    domainName: str,
    password: str,
    enablePasswordReset: bool.optional(),
    recoveryEmail: str.optional(),
    recoveryEmailDescription: str.optional(),
    recoveryPhone: str.optional(),
    recoveryPhoneDescription: str.optional(),
    enableSearchIndexing: bool.optional(),
    sendWelcomeEmail: bool.optional(),
  }),
  deleteUser: z.object({ userName: str }),
  listUser: z.object({}),
  modifyUser: z.object({
    userName: str,
    newUserName: str.optional(),
    newPassword: str.optional(),
    enableSearchIndexing: bool.optional(),
    enablePasswordReset: bool.optional(),
    requireTwoFactorAuthentication: bool.optional(),
  }),
  getUser: z.object({ userName: str }),
  upsertPasswordReset: z.object({
    userName: str,
    type: z.enum(['email', 'phone']),
    target: str,
    existingTarget: str.optional(),
    description: str.optional(),
    allowMfaReset: bool.optional(),
  }),
  deletePasswordReset: z.object({ userName: str, target: str.optional() }),
  listPasswordReset: z.object({ userName: str }),
  createRoutingRule: z.object({
    domainName: str,
    prefix: bool,
    matchUser: str,
    targetAddresses: z.array(str),
    catchall: bool.optional(),
  }),
  deleteRoutingRule: z.object({ routingRuleId: z.number().int() }),
  listRoutingRules: z.object({}),
  addDomain: z.object({ domainName: str }),
  getOwnershipCode: z.object({}),
  listDomains: z.object({ includeShared: bool.optional() }),
  updateDomainSettings: z.object({
    name: str,
    allowAccountReset: bool.optional(),
    symbolicSubaddressing: bool.optional(),
    recheckDns: bool.optional(),
  }),
  deleteDomain: z.object({ name: str }),
  createAppPassword: z.object({ userHandle: str, name: str.optional() }),
  deleteAppPassword: z.object({ userName: str, appPassword: str }),
  checkAccountCredit: z.object({}),
} as const;

export type WireOperation = keyof typeof WIRE_REQUESTS;
export type WireRequest<Op extends WireOperation> = z.infer<(typeof WIRE_REQUESTS)[Op]>;

export function isWireOperation(op: string): op is WireOperation {
  return Object.hasOwn(WIRE_REQUESTS, op);
}

/** Request fields whose values are secrets; the request log replaces them. */
export const SECRET_FIELDS = ['password', 'newPassword', 'appPassword'] as const;

import * as z from 'zod';
import { lazySchema } from '@app/shared';

/**
 * Wire schemas for the 19 PurelyMail API v0 operations (see /work/shared/reference/purelymail-api.md §2).
 *
 * Request schemas are strict: PurelyMail silently ignores unknown fields (§3.1), so a misspelled
 * field would "succeed" and do nothing. Rejecting extra keys here makes that mistake impossible.
 * Result schemas are lenient (extra keys are dropped) so a new field from PurelyMail does not break us.
 */

/** A full address, "user@domain.com". Used everywhere except createUser. */
const Address = lazySchema(() => z.string().min(3).regex(/^[^@\s]+@[^@\s]+$/, 'must be a full address like user@example.com'));
/** The local part only, "user" in "user@domain.com". Only createUser takes this. */
const LocalPart = lazySchema(() => z.string().min(1).regex(/^[^@\s]+$/, 'must be the local part only, without @domain'));
const AnyString = lazySchema(() => z.string());
const DomainName = lazySchema(() => z.string().min(1).regex(/^[^@\s/]+$/, 'must be a domain name like example.com'));

/**
 * How many items of a list PurelyMail returned did not fit the schema. The client keeps them out of the list
 * (one odd item must not take a page down) and says how many here; absent when every item was read.
 */
export interface Unreadable {
  unreadable?: number;
}

export const EmptyRequest = lazySchema(() => z.strictObject({}));
export type EmptyRequest = z.infer<typeof EmptyRequest>;
export const EmptyResult = lazySchema(() => z.object({}));
export type EmptyResult = z.infer<typeof EmptyResult>;

export const ResetMethodType = lazySchema(() => z.enum(['email', 'phone']));
export type ResetMethodType = z.infer<typeof ResetMethodType>;

export const ResetMethod = lazySchema(() =>
  z.object({
    type: ResetMethodType,
    target: z.string(),
    description: z.string(),
    allowMfaReset: z.boolean(),
  }),
);
export type ResetMethod = z.infer<typeof ResetMethod>;

// Users

export const CreateUserRequest = lazySchema(() =>
  z.strictObject({
    userName: LocalPart,
    domainName: DomainName,
    password: z.string().min(1),
    enablePasswordReset: z.boolean().optional(),
    recoveryEmail: z.string().optional(),
    recoveryEmailDescription: z.string().optional(),
    recoveryPhone: z.string().optional(),
    recoveryPhoneDescription: z.string().optional(),
    enableSearchIndexing: z.boolean().optional(),
    sendWelcomeEmail: z.boolean().optional(),
  }),
);
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const DeleteUserRequest = lazySchema(() => z.strictObject({ userName: Address }));
export type DeleteUserRequest = z.infer<typeof DeleteUserRequest>;

export const ListUserResult = lazySchema(() => z.object({ users: z.array(z.string()) }));
/**
 * At most 1,000 names (PurelyMail's cap, no pagination). `users.length + (unreadable ?? 0)` is what PurelyMail
 * returned: at the cap the list is possibly truncated (see shared `isUserListCapped`).
 */
export type ListUserResult = z.infer<typeof ListUserResult> & Unreadable;

export const ModifyUserRequest = lazySchema(() =>
  z.strictObject({
    userName: Address,
    newUserName: Address.optional(),
    /** The only field that changes a password; `password` would be silently ignored by PurelyMail. */
    newPassword: z.string().min(1).optional(),
    enableSearchIndexing: z.boolean().optional(),
    enablePasswordReset: z.boolean().optional(),
    requireTwoFactorAuthentication: z.boolean().optional(),
  }),
);
export type ModifyUserRequest = z.infer<typeof ModifyUserRequest>;

export const GetUserRequest = lazySchema(() => z.strictObject({ userName: Address }));
export type GetUserRequest = z.infer<typeof GetUserRequest>;

export const GetUserResult = lazySchema(() =>
  z.object({
    enableSearchIndexing: z.boolean(),
    /** Read-side name of createUser/modifyUser `enablePasswordReset`. */
    recoveryEnabled: z.boolean(),
    requireTwoFactorAuthentication: z.boolean(),
    enableSpamFiltering: z.boolean(),
    resetMethods: z.array(ResetMethod),
  }),
);
/** `unreadable`: reset methods left out because they did not fit the schema. */
export type GetUserResult = z.infer<typeof GetUserResult> & Unreadable;

// Password-reset methods

export const UpsertPasswordResetRequest = lazySchema(() =>
  z.strictObject({
    userName: Address,
    type: ResetMethodType,
    target: z.string().min(1),
    /** Target of the method to update; without it a new method is created. */
    existingTarget: z.string().optional(),
    description: z.string().optional(),
    allowMfaReset: z.boolean().optional(),
  }),
);
export type UpsertPasswordResetRequest = z.infer<typeof UpsertPasswordResetRequest>;

/** Without `target`, PurelyMail deletes ALL of the user's reset methods. */
export const DeletePasswordResetRequest = lazySchema(() => z.strictObject({ userName: Address, target: z.string().optional() }));
export type DeletePasswordResetRequest = z.infer<typeof DeletePasswordResetRequest>;

export const ListPasswordResetRequest = lazySchema(() => z.strictObject({ userName: Address }));
export type ListPasswordResetRequest = z.infer<typeof ListPasswordResetRequest>;

/** The array key really is `users` (§2.2). */
export const ListPasswordResetResult = lazySchema(() => z.object({ users: z.array(ResetMethod) }));
export type ListPasswordResetResult = z.infer<typeof ListPasswordResetResult> & Unreadable;

// Routing rules

export const RoutingRule = lazySchema(() =>
  z.object({
    /** A safe integer above 0 (zod's int): an id of 0 cannot be deleted, one above 2^53 was rounded by JSON parsing. */
    id: z.number().int().positive(),
    domainName: z.string(),
    prefix: z.boolean(),
    matchUser: z.string(),
    targetAddresses: z.array(z.string()),
    catchall: z.boolean(),
  }),
);
export type RoutingRule = z.infer<typeof RoutingRule>;

export const CreateRoutingRuleRequest = lazySchema(() =>
  z.strictObject({
    domainName: DomainName,
    prefix: z.boolean(),
    /** Local part to match; "" with prefix:true matches any address. */
    matchUser: z.string(),
    /**
     * Any strings, even none: PurelyMail accepts both (reference §2.4), and a rule made elsewhere in that shape
     * must be re-creatable when an edit is undone. The panel's own input (RoutingRuleInput) requires addresses.
     */
    targetAddresses: z.array(z.string()),
    catchall: z.boolean().optional(),
  }),
);
export type CreateRoutingRuleRequest = z.infer<typeof CreateRoutingRuleRequest>;

export const DeleteRoutingRuleRequest = lazySchema(() => z.strictObject({ routingRuleId: z.number().int().positive() }));
export type DeleteRoutingRuleRequest = z.infer<typeof DeleteRoutingRuleRequest>;

export const ListRoutingRulesResult = lazySchema(() => z.object({ rules: z.array(RoutingRule) }));
export type ListRoutingRulesResult = z.infer<typeof ListRoutingRulesResult> & Unreadable;

// Domains (addDomain takes `domainName`; updateDomainSettings and deleteDomain take `name`)

export const AddDomainRequest = lazySchema(() => z.strictObject({ domainName: DomainName }));
export type AddDomainRequest = z.infer<typeof AddDomainRequest>;

/** The documented shape: the prefix, then any non-empty string (the specification only says "string"). */
export const OWNERSHIP_CODE_PATTERN = /^purelymail_ownership_proof=\S+$/;

/**
 * `code` is the complete TXT value to publish at the domain apex, prefix included. Any non-empty string is
 * accepted: a value of another shape is shown as it is (see `OWNERSHIP_CODE_PATTERN`), not taken for an outage.
 */
export const GetOwnershipCodeResult = lazySchema(() => z.object({ code: z.string().min(1) }));
export type GetOwnershipCodeResult = z.infer<typeof GetOwnershipCodeResult>;

export const ListDomainsRequest = lazySchema(() => z.strictObject({ includeShared: z.boolean().optional() }));
export type ListDomainsRequest = z.infer<typeof ListDomainsRequest>;

export const DnsSummary = lazySchema(() =>
  z.object({
    passesMx: z.boolean(),
    passesSpf: z.boolean(),
    passesDkim: z.boolean(),
    passesDmarc: z.boolean(),
  }),
);
export type DnsSummary = z.infer<typeof DnsSummary>;

export const DomainInfo = lazySchema(() =>
  z.object({
    name: z.string(),
    allowAccountReset: z.boolean(),
    symbolicSubaddressing: z.boolean(),
    isShared: z.boolean(),
    dnsSummary: DnsSummary,
  }),
);
export type DomainInfo = z.infer<typeof DomainInfo>;
/** The spec's name for DomainInfo. */
export const ApiDomainInfo = DomainInfo;
export type ApiDomainInfo = DomainInfo;

export const ListDomainsResult = lazySchema(() => z.object({ domains: z.array(DomainInfo) }));
export type ListDomainsResult = z.infer<typeof ListDomainsResult> & Unreadable;

export const UpdateDomainSettingsRequest = lazySchema(() =>
  z.strictObject({
    name: DomainName,
    allowAccountReset: z.boolean().optional(),
    symbolicSubaddressing: z.boolean().optional(),
    /** Triggers a DNS re-check; the new dnsSummary shows in a later listDomains. */
    recheckDns: z.boolean().optional(),
  }),
);
export type UpdateDomainSettingsRequest = z.infer<typeof UpdateDomainSettingsRequest>;

/** Deletes the domain AND its users and their mail. */
export const DeleteDomainRequest = lazySchema(() => z.strictObject({ name: DomainName }));
export type DeleteDomainRequest = z.infer<typeof DeleteDomainRequest>;

// App passwords (create takes `userHandle`, delete takes `userName`)

export const CreateAppPasswordRequest = lazySchema(() => z.strictObject({ userHandle: Address, name: z.string().optional() }));
export type CreateAppPasswordRequest = z.infer<typeof CreateAppPasswordRequest>;

/** The only time the secret is ever returned. */
export const CreateAppPasswordResult = lazySchema(() => z.object({ appPassword: z.string().min(1) }));
export type CreateAppPasswordResult = z.infer<typeof CreateAppPasswordResult>;

export const DeleteAppPasswordRequest = lazySchema(() => z.strictObject({ userName: Address, appPassword: z.string().min(1) }));
export type DeleteAppPasswordRequest = z.infer<typeof DeleteAppPasswordRequest>;

// Billing

/** A BigDecimal string with 64 digits of precision; never parse it into a float (see @app/shared/money). */
export const CheckAccountCreditResult = lazySchema(() =>
  z.object({
    credit: z.string().regex(/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/, 'must be a decimal string'),
  }),
);
export type CheckAccountCreditResult = z.infer<typeof CheckAccountCreditResult>;

// The operation table

/** A list inside a result that is read item by item: `key` holds the array, `item` checks each element. */
export interface ListedItems {
  key: string;
  item: z.ZodType;
}

/**
 * Every operation with its request and result schema, whether it only reads (safe to retry), and for results
 * holding a list, which list is read item by item (an item that does not fit is left out and counted).
 */
export const PURELYMAIL_OPERATIONS = {
  createUser: { request: CreateUserRequest, result: EmptyResult, read: false },
  deleteUser: { request: DeleteUserRequest, result: EmptyResult, read: false },
  listUser: { request: EmptyRequest, result: ListUserResult, read: true, items: { key: 'users', item: AnyString } },
  modifyUser: { request: ModifyUserRequest, result: EmptyResult, read: false },
  getUser: { request: GetUserRequest, result: GetUserResult, read: true, items: { key: 'resetMethods', item: ResetMethod } },
  upsertPasswordReset: { request: UpsertPasswordResetRequest, result: EmptyResult, read: false },
  deletePasswordReset: { request: DeletePasswordResetRequest, result: EmptyResult, read: false },
  listPasswordReset: { request: ListPasswordResetRequest, result: ListPasswordResetResult, read: true, items: { key: 'users', item: ResetMethod } },
  createRoutingRule: { request: CreateRoutingRuleRequest, result: EmptyResult, read: false },
  deleteRoutingRule: { request: DeleteRoutingRuleRequest, result: EmptyResult, read: false },
  listRoutingRules: { request: EmptyRequest, result: ListRoutingRulesResult, read: true, items: { key: 'rules', item: RoutingRule } },
  addDomain: { request: AddDomainRequest, result: EmptyResult, read: false },
  getOwnershipCode: { request: EmptyRequest, result: GetOwnershipCodeResult, read: true },
  listDomains: { request: ListDomainsRequest, result: ListDomainsResult, read: true, items: { key: 'domains', item: DomainInfo } },
  updateDomainSettings: { request: UpdateDomainSettingsRequest, result: EmptyResult, read: false },
  deleteDomain: { request: DeleteDomainRequest, result: EmptyResult, read: false },
  createAppPassword: { request: CreateAppPasswordRequest, result: CreateAppPasswordResult, read: false },
  deleteAppPassword: { request: DeleteAppPasswordRequest, result: EmptyResult, read: false },
  checkAccountCredit: { request: EmptyRequest, result: CheckAccountCreditResult, read: true },
} as const;

export type PurelyMailOperation = keyof typeof PURELYMAIL_OPERATIONS;
export const PurelyMailOperation = lazySchema(() =>
  z.enum(
    Object.keys(PURELYMAIL_OPERATIONS) as [PurelyMailOperation, ...PurelyMailOperation[]],
  ),
);
export type OperationRequest<Op extends PurelyMailOperation> = z.infer<(typeof PURELYMAIL_OPERATIONS)[Op]['request']>;
type ListResults = { listUser: ListUserResult; getUser: GetUserResult; listPasswordReset: ListPasswordResetResult; listRoutingRules: ListRoutingRulesResult; listDomains: ListDomainsResult };
export type OperationResult<Op extends PurelyMailOperation> = Op extends keyof ListResults ? ListResults[Op] : z.infer<(typeof PURELYMAIL_OPERATIONS)[Op]['result']>;

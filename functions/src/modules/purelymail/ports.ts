import type {
  AddDomainRequest,
  CheckAccountCreditResult,
  CreateAppPasswordRequest,
  CreateAppPasswordResult,
  CreateRoutingRuleRequest,
  CreateUserRequest,
  DeleteAppPasswordRequest,
  DeleteDomainRequest,
  DeletePasswordResetRequest,
  DeleteRoutingRuleRequest,
  DeleteUserRequest,
  GetOwnershipCodeResult,
  GetUserRequest,
  GetUserResult,
  ListDomainsRequest,
  ListDomainsResult,
  ListPasswordResetRequest,
  ListPasswordResetResult,
  ListRoutingRulesResult,
  ListUserResult,
  ModifyUserRequest,
  UpdateDomainSettingsRequest,
  UpsertPasswordResetRequest,
} from './purelymail-types.ts';

/**
 * The PurelyMail account, one method per API operation (same name as the wire operation).
 * Implementations throw PurelyMailApiError for `type:"error"` answers and PurelyMailUnavailableError
 * when PurelyMail cannot be reached or answers with something that is not the protocol.
 * Creates return nothing (no ids): re-list to find what was created.
 */
export interface PurelyMail {
  /** `userName` is the local part only; `domainName` is separate. */
  createUser(input: CreateUserRequest): Promise<void>;
  deleteUser(input: DeleteUserRequest): Promise<void>;
  /** At most 1000 users, with no pagination. */
  listUser(): Promise<ListUserResult>;
  modifyUser(input: ModifyUserRequest): Promise<void>;
  getUser(input: GetUserRequest): Promise<GetUserResult>;
  upsertPasswordReset(input: UpsertPasswordResetRequest): Promise<void>;
  deletePasswordReset(input: DeletePasswordResetRequest): Promise<void>;
  listPasswordReset(input: ListPasswordResetRequest): Promise<ListPasswordResetResult>;
  createRoutingRule(input: CreateRoutingRuleRequest): Promise<void>;
  deleteRoutingRule(input: DeleteRoutingRuleRequest): Promise<void>;
  listRoutingRules(): Promise<ListRoutingRulesResult>;
  addDomain(input: AddDomainRequest): Promise<void>;
  getOwnershipCode(): Promise<GetOwnershipCodeResult>;
  listDomains(input?: ListDomainsRequest): Promise<ListDomainsResult>;
  updateDomainSettings(input: UpdateDomainSettingsRequest): Promise<void>;
  deleteDomain(input: DeleteDomainRequest): Promise<void>;
  createAppPassword(input: CreateAppPasswordRequest): Promise<CreateAppPasswordResult>;
  deleteAppPassword(input: DeleteAppPasswordRequest): Promise<void>;
  checkAccountCredit(): Promise<CheckAccountCreditResult>;
}

/**
 * The parts of PurelyMail's behaviour nobody has recorded (reference §5 "Unknowns"). Defaults are
 * our best guess; tests can change them to check the panel copes either way.
 */
export interface SandboxBehaviour {
  errorCodes: {
    invalidToken: string;
    invalidRequest: string;
    userNotFound: string;
    userAlreadyExists: string;
    invalidUserName: string;
    domainNotFound: string;
    domainAlreadyExists: string;
    domainOwnershipFailed: string;
    sharedDomainReadOnly: string;
    routingRuleNotFound: string;
    ruleAlreadyExists: string;
    resetMethodNotFound: string;
    appPasswordNotFound: string;
    twoFactorNeedsResetMethod: string;
    passwordRequired: string;
  };
  /** HTTP status of the invalidToken envelope; 200 matches the other business errors. */
  invalidTokenStatus: number;
  listUserCap: number;
  /** Whether exact `x` and prefix `x` on one domain conflict (spec wording suggests not). */
  exactAndPrefixConflict: boolean;
  /** Whether deleteDomain also removes the domain's routing rules ("dependent settings"). */
  deleteDomainRemovesRules: boolean;
  /** Whether requireTwoFactorAuthentication:true needs at least one reset method. */
  twoFactorNeedsResetMethod: boolean;
  /** Whether turning password reset back on needs newPassword in the same call (true in the web UI). */
  enablePasswordResetNeedsPassword: boolean;
  /** upsertPasswordReset for an existing target without existingTarget: update it or add a duplicate. */
  upsertExistingTarget: 'update' | 'duplicate';
  /** Shared domains returned with includeShared:true. */
  sharedDomains: string[];
}

export const DEFAULT_SANDBOX_BEHAVIOUR: SandboxBehaviour = {
  errorCodes: {
    invalidToken: 'invalidToken',
    invalidRequest: 'invalidRequest',
    userNotFound: 'userNotFound',
    userAlreadyExists: 'userAlreadyExists',
    invalidUserName: 'invalidUserName',
    domainNotFound: 'domainNotFound',
    domainAlreadyExists: 'domainAlreadyExists',
    domainOwnershipFailed: 'domainOwnershipCheckFailed',
    sharedDomainReadOnly: 'sharedDomainReadOnly',
    routingRuleNotFound: 'routingRuleNotFound',
    ruleAlreadyExists: 'ruleAlreadyExists',
    resetMethodNotFound: 'resetMethodNotFound',
    appPasswordNotFound: 'appPasswordNotFound',
    twoFactorNeedsResetMethod: 'twoFactorRequiresResetMethod',
    passwordRequired: 'passwordRequired',
  },
  invalidTokenStatus: 200,
  listUserCap: 1000,
  exactAndPrefixConflict: false,
  deleteDomainRemovesRules: true,
  twoFactorNeedsResetMethod: false,
  enablePasswordResetNeedsPassword: false,
  upsertExistingTarget: 'update',
  sharedDomains: ['purelymail.com'],
};

export type SandboxBehaviourOverrides = Partial<Omit<SandboxBehaviour, 'errorCodes'>> & {
  errorCodes?: Partial<SandboxBehaviour['errorCodes']>;
};

export function resolveBehaviour(overrides: SandboxBehaviourOverrides = {}): SandboxBehaviour {
  return {
    ...DEFAULT_SANDBOX_BEHAVIOUR,
    ...overrides,
    errorCodes: { ...DEFAULT_SANDBOX_BEHAVIOUR.errorCodes, ...overrides.errorCodes },
  };
}

import { SandboxApiError } from './sandbox-api-error.ts';
import { hashSecret, type SandboxContext } from './sandbox-context.ts';
import type { SandboxUser } from './sandbox-state.ts';
import type { WireRequest } from './wire-requests.ts';

const SYMBOLS = /[.+-]/;
const LOCAL_PART = /^[a-z0-9._+-]+$/;

export function findUser(ctx: SandboxContext, address: string): SandboxUser {
  const user = ctx.state.users[address.toLowerCase()];
  if (!user) throw new SandboxApiError(ctx.behaviour.errorCodes.userNotFound, 'User not found');
  return user;
}

function isSharedDomain(ctx: SandboxContext, domain: string): boolean {
  return ctx.behaviour.sharedDomains.includes(domain);
}

/** Checks a new address can exist: the domain is usable and the local part is allowed there. */
function checkNewAddress(ctx: SandboxContext, localPart: string, domain: string): void {
  const owned = ctx.state.domains[domain];
  const shared = isSharedDomain(ctx, domain);
  if (!owned && !shared) throw new SandboxApiError(ctx.behaviour.errorCodes.domainNotFound, 'Domain not found');
  if (!LOCAL_PART.test(localPart)) throw new SandboxApiError(ctx.behaviour.errorCodes.invalidUserName, 'Invalid username');
  // Shared domains always forbid symbols (support article).
  if ((shared || owned?.symbolicSubaddressing) && SYMBOLS.test(localPart)) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.invalidUserName, 'Symbols are not allowed in a username');
  }
  if (ctx.state.users[`${localPart}@${domain}`]) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.userAlreadyExists, 'User already exists');
  }
}

export function createUser(ctx: SandboxContext, req: WireRequest<'createUser'>): object {
  const localPart = req.userName.toLowerCase();
  const domain = req.domainName.toLowerCase();
  checkNewAddress(ctx, localPart, domain);
  const resetMethods: SandboxUser['resetMethods'] = [];
  // Empty strings are accepted and create no method (vic1707 live tests).
  if (req.recoveryEmail) {
    resetMethods.push({ type: 'email', target: req.recoveryEmail, description: req.recoveryEmailDescription ?? '', allowMfaReset: true });
  }
  if (req.recoveryPhone) {
    resetMethods.push({ type: 'phone', target: req.recoveryPhone, description: req.recoveryPhoneDescription ?? '', allowMfaReset: true });
  }
  ctx.state.users[`${localPart}@${domain}`] = {
    passwordHash: hashSecret(req.password),
    enableSearchIndexing: req.enableSearchIndexing ?? true,
    recoveryEnabled: req.enablePasswordReset ?? true,
    requireTwoFactorAuthentication: false,
    enableSpamFiltering: true,
    resetMethods,
    appPasswords: [],
    welcomeEmailSent: req.sendWelcomeEmail ?? true,
  };
  return {};
}

/** Removes the user with its reset methods and app passwords; routing rules stay (reference §3.18). */
export function deleteUser(ctx: SandboxContext, req: WireRequest<'deleteUser'>): object {
  findUser(ctx, req.userName);
  delete ctx.state.users[req.userName.toLowerCase()];
  return {};
}

export function listUser(ctx: SandboxContext): object {
  return { users: Object.keys(ctx.state.users).sort().slice(0, ctx.behaviour.listUserCap) };
}

export function getUser(ctx: SandboxContext, req: WireRequest<'getUser'>): object {
  const user = findUser(ctx, req.userName);
  return {
    enableSearchIndexing: user.enableSearchIndexing,
    recoveryEnabled: user.recoveryEnabled,
    requireTwoFactorAuthentication: user.requireTwoFactorAuthentication,
    enableSpamFiltering: user.enableSpamFiltering,
    resetMethods: user.resetMethods.map((m) => ({ ...m })),
  };
}

export function modifyUser(ctx: SandboxContext, req: WireRequest<'modifyUser'>): object {
  const address = req.userName.toLowerCase();
  const user = findUser(ctx, address);
  const codes = ctx.behaviour.errorCodes;
  // Check everything before changing anything, so a rejected call leaves the user untouched.
  let newAddress: string | undefined;
  if (req.newUserName !== undefined && req.newUserName.toLowerCase() !== address) {
    newAddress = req.newUserName.toLowerCase();
    const [localPart = '', domain = '', ...rest] = newAddress.split('@');
    if (rest.length > 0 || !domain) throw new SandboxApiError(codes.invalidUserName, 'Invalid username');
    checkNewAddress(ctx, localPart, domain);
  }
  if (ctx.behaviour.enablePasswordResetNeedsPassword && req.enablePasswordReset && !user.recoveryEnabled && !req.newPassword) {
    throw new SandboxApiError(codes.passwordRequired, 'A password is required to enable password reset');
  }
  if (ctx.behaviour.twoFactorNeedsResetMethod && req.requireTwoFactorAuthentication && user.resetMethods.length === 0) {
    throw new SandboxApiError(codes.twoFactorNeedsResetMethod, 'A password reset method is required before enabling 2FA');
  }
  if (req.newPassword !== undefined) user.passwordHash = hashSecret(req.newPassword);
  if (req.enableSearchIndexing !== undefined) user.enableSearchIndexing = req.enableSearchIndexing;
  if (req.enablePasswordReset !== undefined) user.recoveryEnabled = req.enablePasswordReset;
  if (req.requireTwoFactorAuthentication !== undefined) user.requireTwoFactorAuthentication = req.requireTwoFactorAuthentication;
  if (newAddress) {
    delete ctx.state.users[address];
    ctx.state.users[newAddress] = user;
  }
  return {};
}

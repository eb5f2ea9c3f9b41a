/** The `next` value for /login, or null when there is nothing worth returning to. */
export function returnToParam(returnTo: string): string | null {
  return returnTo && returnTo !== '/' && !returnTo.startsWith('/login') ? encodeURIComponent(returnTo) : null;
}

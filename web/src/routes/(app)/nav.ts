import { resolve } from '$app/paths';
import type { IconName } from '$lib/components/Icon.svelte';

export type NavRoute = '/' | '/users' | '/domains' | '/routing' | '/migrations' | '/pending' | '/audit' | '/settings';
export type NavItem = { route: NavRoute; label: string; icon: IconName; badge?: 'pending' };

export const NAV: NavItem[] = [
  { route: '/', label: 'Dashboard', icon: 'dashboard' },
  { route: '/users', label: 'Users', icon: 'users' },
  { route: '/domains', label: 'Domains', icon: 'domains' },
  { route: '/routing', label: 'Routing', icon: 'routing' },
  { route: '/migrations', label: 'Migrations', icon: 'migrations' },
  { route: '/pending', label: 'Pending', icon: 'pending', badge: 'pending' },
  { route: '/audit', label: 'Audit', icon: 'audit' },
  { route: '/settings', label: 'Settings', icon: 'settings' },
];

export function isActive(route: NavRoute, pathname: string): boolean {
  const href = resolve(route);
  return route === '/' ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
}

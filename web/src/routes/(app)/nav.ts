import type { IconName } from '$lib/components/Icon.svelte';

export type NavItem = { href: string; label: string; icon: IconName; badge?: 'pending' };

export const NAV: NavItem[] = [
  { href: '/', label: 'Dashboard', icon: 'dashboard' },
  { href: '/users', label: 'Users', icon: 'users' },
  { href: '/domains', label: 'Domains', icon: 'domains' },
  { href: '/routing', label: 'Routing', icon: 'routing' },
  { href: '/migrations', label: 'Migrations', icon: 'migrations' },
  { href: '/pending', label: 'Pending', icon: 'pending', badge: 'pending' },
  { href: '/audit', label: 'Audit', icon: 'audit' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
];

export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export * from './api/api-error.ts';
export * from './schemas/admin.ts';
export * from './schemas/auth.ts';
export * from './schemas/session.ts';
export * from './schemas/audit.ts';
export * from './schemas/dashboard.ts';
export * from './schemas/settings.ts';

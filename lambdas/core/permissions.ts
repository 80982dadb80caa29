/**
 * Permissions are written `action:job-glob` (e.g. `run:local/example/*`); a bare `action` means
 * every job. Superusers hold every permission.
 */
export const ACTIONS = ['view', 'run', 'approve', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Principal {
  readonly username: string;
  readonly isSuperuser: boolean;
  readonly permissions: readonly string[];
  /** False for read-only tokens: such a caller may only read. */
  readonly writeEnabled: boolean;
}

const PERMISSION = /^(view|run|approve|delete)(?::([A-Za-z0-9_.\-/*?]+))?$/;

export function isValidPermission(permission: string): boolean {
  return PERMISSION.test(permission);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function hasPermission(principal: Principal, action: Action, jobPath: string): boolean {
  if (principal.isSuperuser) return true;
  return principal.permissions.some((permission) => {
    const match = PERMISSION.exec(permission);
    if (!match || match[1] !== action) return false;
    return globToRegExp(match[2] ?? '*').test(jobPath);
  });
}

/** True when the principal holds the action on every job, present and future (no narrowing glob). */
export function hasPermissionOnEveryJob(principal: Principal, action: Action): boolean {
  if (principal.isSuperuser) return true;
  return principal.permissions.some((permission) => {
    const match = PERMISSION.exec(permission);
    return match?.[1] === action && (match[2] ?? '*') === '*';
  });
}

/** True when the principal holds the action on at least one job (used for 403 vs empty-list answers). */
export function hasAnyPermission(principal: Principal, action: Action): boolean {
  return principal.isSuperuser || principal.permissions.some((p) => PERMISSION.exec(p)?.[1] === action);
}

import { describe, expect, it } from 'vitest';
import {
  hasAnyPermission,
  hasPermission,
  isValidPermission,
  type Principal,
} from '../../../lambdas/core/permissions';

const principal = (permissions: string[], isSuperuser = false): Principal => ({
  username: 'alice',
  isSuperuser,
  permissions,
  writeEnabled: true,
});

describe('Function: hasPermission', () => {
  it.each([
    [['run'], 'run', 'local/example/MyJobWithNoVars', true],
    [['run:local/example/*'], 'run', 'local/example/MyJobWithNoVars', true],
    [['run:local/other/*'], 'run', 'local/example/MyJobWithNoVars', false],
    [['view:*'], 'run', 'local/example/MyJobWithNoVars', false],
    [['run:local/example/MyJobWithNoVars'], 'run', 'local/example/MyJobWithNoVarsX', false],
    [['run:local/*/My?obWithNoVars'], 'run', 'local/example/MyJobWithNoVars', true],
    [['run:local.example'], 'run', 'localXexample', false],
    [[], 'view', 'local/example/MyJobWithNoVars', false],
  ] as const)('%j may %s %s: %s', (permissions, action, path, expected) => {
    // Act & Assess
    expect(hasPermission(principal([...permissions]), action, path)).toBe(expected);
  });

  it('grants superusers everything', () => {
    expect(hasPermission(principal([], true), 'approve', 'any/job/At')).toBe(true);
  });
});

describe('Function: hasAnyPermission', () => {
  it('is true when any glob grants the action', () => {
    expect(hasAnyPermission(principal(['view:local/*']), 'view')).toBe(true);
    expect(hasAnyPermission(principal(['run:local/*']), 'view')).toBe(false);
  });
});

describe('Function: isValidPermission', () => {
  it.each([
    ['view', true],
    ['run:local/example/*', true],
    ['approve:*', true],
    ['fly', false],
    ['run:', false],
    ['run:a b', false],
    ['RUN', false],
  ])('%s → %s', (permission, expected) => {
    expect(isValidPermission(permission)).toBe(expected);
  });
});

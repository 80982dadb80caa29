/**
 * Rules about a stored record's state, written once as data so that core can evaluate them and each
 * store can translate them into its own conditional write (a DynamoDB ConditionExpression, a check
 * in an in-memory fake) without restating them. Fields are the domain's names; stores map them.
 */
export type Scalar = string | boolean;

export type Condition<Field extends string = string> =
  /** The record exists. */
  | { readonly op: 'exists' }
  | { readonly op: 'eq'; readonly field: Field; readonly value: Scalar }
  | { readonly op: 'ne'; readonly field: Field; readonly value: Scalar }
  | { readonly op: 'in'; readonly field: Field; readonly values: readonly Scalar[] }
  | { readonly op: 'absent'; readonly field: Field }
  | { readonly op: 'and'; readonly all: readonly Condition<Field>[] };

export const exists = { op: 'exists' } as const;

export function eq<Field extends string>(field: Field, value: Scalar): Condition<Field> {
  return { op: 'eq', field, value };
}

export function ne<Field extends string>(field: Field, value: Scalar): Condition<Field> {
  return { op: 'ne', field, value };
}

export function oneOf<Field extends string>(field: Field, values: readonly Scalar[]): Condition<Field> {
  return { op: 'in', field, values };
}

export function absent<Field extends string>(field: Field): Condition<Field> {
  return { op: 'absent', field };
}

export function and<Field extends string>(...all: readonly Condition<Field>[]): Condition<Field> {
  return { op: 'and', all };
}

/** Whether the condition holds for a record (undefined: there is none), reading fields with `read`. */
export function holds<Field extends string, T>(
  condition: Condition<Field>,
  record: T | undefined,
  read: (record: T, field: Field) => Scalar | undefined,
): boolean {
  if (record === undefined) return false;
  switch (condition.op) {
    case 'exists':
      return true;
    case 'eq':
      return read(record, condition.field) === condition.value;
    case 'ne': {
      const value = read(record, condition.field);
      return value !== undefined && value !== condition.value;
    }
    case 'in': {
      const value = read(record, condition.field);
      return value !== undefined && condition.values.includes(value);
    }
    case 'absent':
      return read(record, condition.field) === undefined;
    case 'and':
      return condition.all.every((part) => holds(part, record, read));
  }
}

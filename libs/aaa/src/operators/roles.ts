/**
 * Operator roles, weakest first. Each role can do everything the ones before it can:
 *
 * - `readonly`: GET only;
 * - `support`: reads, plus disconnecting sessions, re-sending a session's attributes (CoA), setting a
 *   device password and clearing a restriction;
 * - `admin`: everything except operators and their tokens;
 * - `owner`: everything.
 */
export const OPERATOR_ROLES = ['readonly', 'support', 'admin', 'owner'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

/** Whether an operator with role `have` may use a route that needs `need`. */
export function roleAllows(have: OperatorRole, need: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(have) >= OPERATOR_ROLES.indexOf(need);
}

/** The roles that may use a route that needs `need`. */
export function rolesAllowed(need: OperatorRole): OperatorRole[] {
  return OPERATOR_ROLES.filter((r) => roleAllows(r, need));
}

import { OPERATOR_ROLES, OperatorRole, roleAllows, rolesAllowed } from './roles';

describe('roleAllows', () => {
  // have × need: the definitions, written out.
  const table: [OperatorRole, OperatorRole[]][] = [
    ['readonly', ['readonly']],
    ['support', ['readonly', 'support']],
    ['admin', ['readonly', 'support', 'admin']],
    ['owner', ['readonly', 'support', 'admin', 'owner']],
  ];
  it.each(table)('%s may use routes that need %j and nothing else', (have, may) => {
    for (const need of OPERATOR_ROLES) expect([need, roleAllows(have, need)]).toEqual([need, may.includes(need)]);
  });

  it('lists who may use a route', () => {
    expect(rolesAllowed('support')).toEqual(['support', 'admin', 'owner']);
    expect(rolesAllowed('owner')).toEqual(['owner']);
  });
});

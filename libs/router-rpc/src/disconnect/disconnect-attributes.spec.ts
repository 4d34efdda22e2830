import { RadiusAttribute, RouterVendor } from '@app/aaa';
import { disconnectAttributes, SessionIdentity } from './disconnect-attributes';

const session = (over: Partial<SessionIdentity> = {}): SessionIdentity => ({
  username: 'jörg',
  acctSessionId: '5f3a9c0e1b2d4a67',
  framedIp: '10.1.0.9',
  ...over,
});

describe('disconnectAttributes()', () => {
  const cases: [string, RouterVendor, SessionIdentity, RadiusAttribute[]][] = [
    // radius-das.c: Framed-IP-Address refused, UTF-8 User-Name refused (toval_str): the id alone.
    ['uspot: Acct-Session-Id only', 'uspot', session(), [['Acct-Session-Id', '5f3a9c0e1b2d4a67']]],
    [
      'mikrotik: User-Name, Acct-Session-Id, Framed-IP-Address',
      'mikrotik',
      session(),
      [
        ['User-Name', 'jörg'],
        ['Acct-Session-Id', '5f3a9c0e1b2d4a67'],
        ['Framed-IP-Address', '10.1.0.9'],
      ],
    ],
    [
      'mikrotik without a known address',
      'mikrotik',
      session({ framedIp: null }),
      [
        ['User-Name', 'jörg'],
        ['Acct-Session-Id', '5f3a9c0e1b2d4a67'],
      ],
    ],
    // chilli.c cb_radius_coa_ind: User-Name is mandatory.
    [
      'generic (Coova-style): User-Name first',
      'generic',
      session({ framedIp: null }),
      [
        ['User-Name', 'jörg'],
        ['Acct-Session-Id', '5f3a9c0e1b2d4a67'],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, vendor, s, expected) => {
    expect(disconnectAttributes(vendor, s)).toEqual(expected);
  });

  it('refuses a session without Acct-Session-Id: uspot would cut its first client', () => {
    expect(() => disconnectAttributes('uspot', session({ acctSessionId: '' }))).toThrow(/Acct-Session-Id/);
  });
});

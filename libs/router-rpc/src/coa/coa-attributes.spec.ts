import { RouterVendor } from '@app/aaa';
import { SessionIdentity } from '../disconnect/disconnect-attributes';
import { coaPlan, LiveReply } from './coa-attributes';

const session: SessionIdentity = { username: 'alice', acctSessionId: '81a00001', framedIp: '10.1.0.9' };
const vsa = (vendor: number, type: number, data: Buffer) => ['Vendor-Specific', vendor, [[type, data]]];
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

const mikrotikReply: LiveReply = {
  'reply:Framed-IP-Address': '10.1.0.9',
  'reply:Session-Timeout': 3600,
  'reply:Idle-Timeout': 600,
  'reply:Acct-Interim-Interval': 300,
  'reply:Mikrotik-Rate-Limit': '2000k/10000k',
  'reply:Mikrotik-Total-Limit': 5000,
};
const wisprReply: LiveReply = {
  'reply:Session-Timeout': 3600,
  'reply:Idle-Timeout': 600,
  'reply:Acct-Interim-Interval': 300,
  'reply:WISPr-Bandwidth-Max-Up': 2_000_000,
  'reply:WISPr-Bandwidth-Max-Down': 10_000_000,
  'reply:ChilliSpot-Max-Total-Octets': 5000,
};

describe('coaPlan()', () => {
  it.each<[string, RouterVendor, LiveReply, boolean, 'set' | 'lifted' | null, unknown[], string[]]>([
    [
      'mikrotik: identification, rate and Session-Timeout; no byte cap, no Idle-Timeout',
      'mikrotik',
      mikrotikReply,
      false,
      null,
      [
        ['User-Name', 'alice'],
        ['Acct-Session-Id', '81a00001'],
        ['Framed-IP-Address', '10.1.0.9'],
        vsa(14988, 8, Buffer.from('2000k/10000k')),
        ['Session-Timeout', 3600],
      ],
      [],
    ],
    [
      'mikrotik restricted: the address list too',
      'mikrotik',
      { ...mikrotikReply, 'reply:Mikrotik-Address-List': 'restricted', 'reply:Session-Timeout': undefined },
      true,
      'set',
      [
        ['User-Name', 'alice'],
        ['Acct-Session-Id', '81a00001'],
        ['Framed-IP-Address', '10.1.0.9'],
        vsa(14988, 8, Buffer.from('2000k/10000k')),
        vsa(14988, 19, Buffer.from('restricted')),
      ],
      [],
    ],
    [
      'mikrotik lifted: leaving the address list is not live (an omitted attribute stays)',
      'mikrotik',
      mikrotikReply,
      false,
      'lifted',
      [
        ['User-Name', 'alice'],
        ['Acct-Session-Id', '81a00001'],
        ['Framed-IP-Address', '10.1.0.9'],
        vsa(14988, 8, Buffer.from('2000k/10000k')),
        ['Session-Timeout', 3600],
      ],
      ['Mikrotik-Address-List (leaving the restricted list)'],
    ],
    [
      'uspot: Acct-Session-Id and the timeouts; the rate is not live',
      'uspot',
      wisprReply,
      false,
      null,
      [
        ['Acct-Session-Id', '81a00001'],
        ['Session-Timeout', 3600],
        ['Idle-Timeout', 600],
      ],
      ['rate (WISPr-Bandwidth-Max-*)'],
    ],
    [
      'uspot restricted: the restriction is not live either',
      'uspot',
      { 'reply:Filter-Id': 'restricted' },
      true,
      'set',
      [['Acct-Session-Id', '81a00001']],
      ['restriction'],
    ],
    [
      'coova: everything config_radius_session resets when absent',
      'coova',
      wisprReply,
      false,
      null,
      [
        ['User-Name', 'alice'],
        ['Acct-Session-Id', '81a00001'],
        ['Framed-IP-Address', '10.1.0.9'],
        vsa(14122, 7, u32(2_000_000)),
        vsa(14122, 8, u32(10_000_000)),
        ['Session-Timeout', 3600],
        ['Idle-Timeout', 600],
        ['Acct-Interim-Interval', 300],
      ],
      [],
    ],
  ])('%s', (_name, vendor, reply, restricted, restriction, attributes, notLive) => {
    const plan = coaPlan(vendor, session, reply, restricted, restriction);
    expect(plan.attributes).toEqual(attributes);
    expect(plan.notLive).toEqual(notLive);
  });
});

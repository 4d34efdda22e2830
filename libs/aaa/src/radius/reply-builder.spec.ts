import { ReplyPlan } from './policy';
import { profile10x2 } from './profile.fixture';
import { buildReply } from './reply-builder';

const plan = (over: Partial<ReplyPlan> = {}): ReplyPlan => ({
  framedIp: '10.0.0.2',
  delegatedIpv6Prefix: null,
  framedIpv6Prefix: null,
  sessionTimeout: 3600,
  idleTimeout: null,
  interimInterval: 300,
  rate: profile10x2(),
  remainingBytes: 5 * 2 ** 32 + 7,
  ...over,
});

describe('buildReply()', () => {
  it('MikroTik: rate as upload/download, total limit split into gigawords', () => {
    expect(buildReply('mikrotik', plan(), false, 'restricted')).toEqual({
      'reply:Framed-IP-Address': '10.0.0.2',
      'reply:Session-Timeout': 3600,
      'reply:Idle-Timeout': undefined,
      'reply:Acct-Interim-Interval': 300,
      'reply:Mikrotik-Rate-Limit': '2000k/10000k',
      'reply:Mikrotik-Total-Limit': 7,
      'reply:Mikrotik-Total-Limit-Gigawords': 5,
    });
  });

  it.each(['mikrotik', 'uspot', 'generic'] as const)('%s: IPv6 prefixes as RFC 3162/4818 attributes, restricted too', (vendor) => {
    const v6 = plan({ delegatedIpv6Prefix: '2001:db8:100::/56', framedIpv6Prefix: '2001:db8:1:2::/64' });
    for (const restricted of [false, true]) {
      expect(buildReply(vendor, v6, restricted, 'walled')).toMatchObject({
        'reply:Delegated-IPv6-Prefix': '2001:db8:100::/56',
        'reply:Framed-IPv6-Prefix': '2001:db8:1:2::/64',
      });
    }
  });

  it('MikroTik: burst settings and the restricted address list', () => {
    const burst = { ...plan().rate!, burstDownloadKbps: 20000, burstUploadKbps: 4000, burstThresholdPercent: 50, burstTimeSeconds: 8 };
    const r = buildReply('mikrotik', plan({ rate: burst, remainingBytes: null }), true, 'walled');
    expect(r['reply:Mikrotik-Rate-Limit']).toBe('2000k/10000k 4000k/20000k 1000k/5000k 8/8');
    expect(r['reply:Mikrotik-Address-List']).toBe('walled');
    expect(r['reply:Mikrotik-Total-Limit']).toBeUndefined();
  });

  it('uspot: WISPr rates in bit/s and ChilliSpot octets', () => {
    const r = buildReply('uspot', plan(), false, 'restricted');
    expect(r).toMatchObject({
      'reply:WISPr-Bandwidth-Max-Up': 2_000_000,
      'reply:WISPr-Bandwidth-Max-Down': 10_000_000,
      'reply:ChilliSpot-Max-Total-Octets': 7,
      'reply:ChilliSpot-Max-Total-Gigawords': 5,
    });
    expect(r['reply:Mikrotik-Rate-Limit']).toBeUndefined();
  });

  it('coova: the same attributes as uspot and generic (WISPr rates, ChilliSpot caps, Filter-Id)', () => {
    for (const restricted of [false, true]) {
      expect(buildReply('coova', plan(), restricted, 'walled')).toEqual(buildReply('uspot', plan(), restricted, 'walled'));
      expect(buildReply('coova', plan(), restricted, 'walled')).toEqual(buildReply('generic', plan(), restricted, 'walled'));
    }
  });
});

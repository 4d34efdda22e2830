import { demoInstructions, refusal } from './demo-plan';

describe('demo refusal', () => {
  it.each<[Record<string, number>, string | null]>([
    [{ routers: 0, customers: 0, 'speed profiles': 0, 'IP pools': 0 }, null],
    [{ routers: 1, customers: 0, 'speed profiles': 0, 'IP pools': 0 }, '(1 router)'],
    [{ routers: 0, customers: 3, 'speed profiles': 1, 'IP pools': 2 }, '(3 customers, 1 speed profile, 2 IP pools)'],
  ])('%j', (totals, fragment) => {
    const text = refusal(totals, 'http://127.0.0.1:3000');
    if (fragment === null) expect(text).toBeNull();
    else expect(text).toContain(`The database behind http://127.0.0.1:3000 already has data ${fragment}.`);
  });
});

describe('demo instructions', () => {
  const lines = demoInstructions({
    apiUrl: 'http://127.0.0.1:3000',
    publicUrl: 'http://localhost:3000',
    radiusAuthPort: 1812,
    secrets: { radiusSecret: 'S3cret', vpnPassword: 'Vpn1', hotspotPassword: 'Hot1' },
    vpnStaticIp: '10.99.0.2',
  });

  it('prints one radtest per way to log in, against FreeRADIUS on this machine', () => {
    expect(lines.filter((l) => l.trim().startsWith('radtest '))).toEqual([
      '  radtest demo-vpn Vpn1 127.0.0.1:1812 0 S3cret',
      '  radtest -t mschap demo-vpn Vpn1 127.0.0.1:1812 0 S3cret',
      '  radtest demo-hotspot Hot1 127.0.0.1:1812 0 S3cret',
    ]);
  });

  it('prints the portal URL a uspot router would redirect to', () => {
    const url = new URL(lines.find((l) => l.includes('/portal?'))!.trim());
    expect(url.origin + url.pathname).toBe('http://localhost:3000/portal');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ res: 'notyet', nasid: 'demo', uamip: '192.168.1.1', uamport: '3990' });
  });
});

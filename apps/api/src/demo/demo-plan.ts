/**
 * `npm run demo`: what it creates and what it tells the operator, as pure functions.
 * The records go through the admin API like any other client's (validation, password
 * sealing, IP allocation), so the demo is exactly what an operator would have made.
 */

/** Generated credentials: letters and digits only, so they paste into any shell. */
export interface DemoSecrets {
  radiusSecret: string;
  vpnPassword: string;
  hotspotPassword: string;
}

export const DEMO_ROUTER_IP = '127.0.0.1';
export const DEMO_NASID = 'demo';
/** The LAN address a uspot router answers portal logins on: the portal only sends passwords there. */
export const DEMO_UAMIP = '192.168.1.1';

export const demoSpeedProfile = { name: 'Demo 10M/2M', downloadKbps: 10_000, uploadKbps: 2_000, sessionTimeoutSeconds: 86_400 };
export const demoIpPool = { name: 'demo-vpn', cidr: '10.99.0.0/24' };
export const demoCustomer = { name: 'Demo customer', notes: 'Created by npm run demo' };

export function demoRouter(s: DemoSecrets) {
  return {
    name: 'Demo router (this machine)',
    vendor: 'uspot' as const,
    nasIdentifier: DEMO_NASID,
    nasIp: DEMO_ROUTER_IP,
    radiusSecret: s.radiusSecret,
    uamAddresses: [DEMO_UAMIP],
  };
}

export function demoAccounts(s: DemoSecrets, ids: { speedProfileId: string; ipPoolId: string }) {
  return {
    vpn: {
      username: 'demo-vpn',
      password: s.vpnPassword,
      kind: 'vpn' as const,
      speedProfileId: ids.speedProfileId,
      ipPoolId: ids.ipPoolId,
    },
    hotspot: { username: 'demo-hotspot', password: s.hotspotPassword, kind: 'hotspot' as const, speedProfileId: ids.speedProfileId },
  };
}

/** The list endpoints whose `total` must be 0: anything an operator creates hangs off these. */
export const DATA_LISTS = {
  routers: '/api/routers',
  customers: '/api/customers',
  'speed profiles': '/api/speed-profiles',
  'IP pools': '/api/ip-pools',
} as const;

/** Why the demo will not run, or null on an empty database. */
export function refusal(totals: Record<string, number>, apiUrl: string): string | null {
  const found = Object.entries(totals)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${n === 1 ? what.replace(/s$/, '') : what}`);
  if (!found.length) return null;
  return [
    `The database behind ${apiUrl} already has data (${found.join(', ')}).`,
    'npm run demo only fills an empty database, so demo logins never mix with real ones.',
    'To try it, start an API on a fresh DATA_DIR (its start-up block prints the matching npm run radius),',
    'then run npm run demo with the same DATA_DIR and PORT.',
  ].join('\n');
}

export interface DemoResult {
  apiUrl: string;
  /** Base URL for a browser on this machine. */
  publicUrl: string;
  radiusAuthPort: number;
  secrets: DemoSecrets;
  vpnStaticIp: string | null;
}

/** The block printed after a successful run: what exists now and what to try. */
export function demoInstructions(r: DemoResult): string[] {
  const server = `${DEMO_ROUTER_IP}:${r.radiusAuthPort}`;
  const secret = r.secrets.radiusSecret;
  const portal = new URL('/portal', r.publicUrl);
  // What a uspot router's redirect carries (res, uamip, uamport, nasid, mac, ip, userurl).
  for (const [k, v] of Object.entries({
    res: 'notyet',
    uamip: DEMO_UAMIP,
    uamport: '3990',
    nasid: DEMO_NASID,
    mac: '02-00-00-00-00-01',
    ip: '192.168.1.23',
    userurl: 'http://example.org/',
  })) {
    portal.searchParams.set(k, v);
  }
  return [
    `Demo data created through ${r.apiUrl}:`,
    `  speed profile    ${demoSpeedProfile.name}`,
    `  IP pool          ${demoIpPool.name} ${demoIpPool.cidr}`,
    `  router           ${DEMO_NASID} (uspot), RADIUS client ${DEMO_ROUTER_IP}, secret ${secret}`,
    `  customer         ${demoCustomer.name}`,
    `  vpn account      demo-vpn, password ${r.secrets.vpnPassword}${r.vpnStaticIp ? `, static IP ${r.vpnStaticIp}` : ''}`,
    `  hotspot account  demo-hotspot, password ${r.secrets.hotspotPassword}`,
    '',
    'Log in through FreeRADIUS (in another terminal first: npm run radius):',
    `  radtest demo-vpn ${r.secrets.vpnPassword} ${server} 0 ${secret}`,
    `  radtest -t mschap demo-vpn ${r.secrets.vpnPassword} ${server} 0 ${secret}`,
    `  radtest demo-hotspot ${r.secrets.hotspotPassword} ${server} 0 ${secret}`,
    'Each answers Access-Accept, with the speed profile (and for demo-vpn the static IP) in the reply.',
    '',
    'The hotspot login page, as a uspot router would open it:',
    `  ${portal.toString()}`,
    '',
    'These credentials are for this demo only: delete the demo router and customer before going live.',
  ];
}

import { ROUTER_VENDORS, RouterVendor } from '@app/aaa';
import { FreeRadius, startFreeRadius } from './support/freeradius';
import { rawAttributes, RawAttr, ROUTER_WIRE, sendAccessRequest, wireValue } from './support/radius-wire';
import { radiusCall } from './support/rlm-rest';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const GIGA = 2 ** 32;
const QUOTA = 5e9; // 1 gigaword + 705,032,704 octets: the quota that went out as 672 MiB
const PASSWORD = 'audit-pw-0123';

/**
 * Audit of the reply path: every vendor attribute the API's reply builder emits must survive
 * FreeRADIUS (which silently drops attributes missing from the dictionaries it loads) and reach
 * the NAS with the number the router's own dictionary gives it. The packets are real: a UDP
 * Access-Request into FreeRADIUS with the project's overlay, and the raw reply decoded here.
 * The vendor list is the product's own, so a vendor added later is audited without edits.
 */
describe('reply attributes reach the router through real FreeRADIUS', () => {
  let t: TestApp;
  let fr: FreeRadius;
  const routers = new Map<RouterVendor, { ip: string; secret: string; nasId: string }>();
  const scenarios = ['full-vpn', 'full-hotspot', 'restricted', 'throttled'] as const;
  type Scenario = (typeof scenarios)[number];
  const username = (vendor: string, s: Scenario) => `audit.${vendor}.${s}`;

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    const profile = (
      await t
        .admin()
        .post('/api/speed-profiles')
        .send({
          name: 'audit 10M/2M burst',
          downloadKbps: 10000,
          uploadKbps: 2000,
          burstDownloadKbps: 20000,
          burstUploadKbps: 4000,
          burstThresholdPercent: 50,
          burstTimeSeconds: 8,
          sessionTimeoutSeconds: 7200,
          idleTimeoutSeconds: 600,
        })
        .expect(201)
    ).body;
    // Fair usage: the rates a login gets once its quota is used up.
    const slow = (
      await t.admin().post('/api/speed-profiles').send({ name: 'audit throttle 512k/256k', downloadKbps: 512, uploadKbps: 256 }).expect(201)
    ).body;
    const pool = (await t.admin().post('/api/ip-pools').send({ name: 'audit', cidr: '10.77.0.0/24' }).expect(201)).body;
    const customer = (await t.admin().post('/api/customers').send({ name: 'Audit' }).expect(201)).body;
    let n = 20;
    for (const vendor of ROUTER_VENDORS) {
      const ip = `127.0.0.${n++}`;
      const nasId = `audit-${vendor}`;
      const r = await t.admin().post('/api/routers').send({ name: nasId, vendor, nasIdentifier: nasId, nasIp: ip }).expect(201);
      routers.set(vendor, { ip, secret: r.body.radiusSecret, nasId });
      const base = { password: PASSWORD, speedProfileId: profile.id };
      const accounts: Record<Scenario, Record<string, unknown>> = {
        'full-vpn': { kind: 'vpn', ipPoolId: pool.id, quotaBytes: QUOTA },
        'full-hotspot': { kind: 'hotspot', quotaBytes: QUOTA },
        // Expired vpn login: restricted accept, keeps its static IP, carries the restricted list.
        restricted: { kind: 'vpn', ipPoolId: pool.id, quotaBytes: QUOTA, expiresAt: '2020-01-01T00:00:00Z' },
        // Hotspot login past its quota with a throttle profile: accepted, slowly (used up below).
        throttled: { kind: 'hotspot', quotaBytes: 1000, throttleProfileId: slow.id },
      };
      for (const s of scenarios) {
        const created = await t
          .admin()
          .post(`/api/customers/${customer.id}/accounts`)
          .send({ username: username(vendor, s), ...base, ...accounts[s] })
          .expect(201);
        if (s === 'throttled') await t.admin().patch(`/api/accounts/${created.body.id}`).send({ usedBytes: 1000 }).expect(200);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  /** What the reply builder produced for this login: the API's own answer to FreeRADIUS. */
  async function builderReply(vendor: RouterVendor, user: string): Promise<Record<string, string | number>> {
    const { ip } = routers.get(vendor)!;
    const res = await radiusCall(t.radiusUrl, 'authorize', ip, { 'User-Name': user, 'User-Password': PASSWORD }).expect(200);
    const out: Record<string, string | number> = {};
    for (const [key, v] of Object.entries(res.body as Record<string, unknown>)) {
      if (!key.startsWith('reply:')) continue;
      out[key.slice(6)] = typeof v === 'object' && v !== null ? (v as { value: string | number }).value : (v as string | number);
    }
    return out;
  }

  async function loginThroughFreeRadius(vendor: RouterVendor, user: string): Promise<RawAttr[]> {
    const { ip, secret, nasId } = routers.get(vendor)!;
    const reply = await sendAccessRequest({
      port: fr.authPort,
      secret,
      srcIp: ip,
      attributes: [
        ['User-Name', user],
        ['User-Password', PASSWORD],
        ['NAS-Identifier', nasId],
        ['Calling-Station-Id', '02-00-00-00-77-01'],
      ],
    });
    expect(reply).toBeDefined();
    expect(reply![0]).toBe(2); // Access-Accept
    return rawAttributes(reply!);
  }

  describe.each([...ROUTER_VENDORS])('vendor %s', (vendor) => {
    it.each([...scenarios])('every attribute the builder emits for a %s login arrives, as the router reads it', async (s) => {
      const user = username(vendor, s);
      const expected = await builderReply(vendor, user);
      expect(Object.keys(expected).length).toBeGreaterThan(3);
      const attrs = await loginThroughFreeRadius(vendor, user);
      const missing: string[] = [];
      for (const [name, value] of Object.entries(expected)) {
        if (!ROUTER_WIRE[name]) {
          missing.push(`${name} (no router-side definition: add it to ROUTER_WIRE from the router's dictionary)`);
          continue;
        }
        const got = wireValue(attrs, name);
        if (String(got) !== String(value)) missing.push(`${name}: builder ${value}, on the wire ${got ?? 'absent'}`);
      }
      expect(missing).toEqual([]);
    });
  });

  it.each([...ROUTER_VENDORS])(
    '%s: a login past its quota with a throttle profile gets the throttled rate and no byte cap',
    async (vendor) => {
      const attrs = await loginThroughFreeRadius(vendor, username(vendor, 'throttled'));
      if (vendor === 'mikrotik') {
        expect(wireValue(attrs, 'Mikrotik-Rate-Limit')).toBe('256k/512k');
        expect(wireValue(attrs, 'Mikrotik-Total-Limit')).toBeUndefined();
        expect(wireValue(attrs, 'Mikrotik-Address-List')).toBeUndefined();
      } else {
        expect(wireValue(attrs, 'WISPr-Bandwidth-Max-Down')).toBe(512_000);
        expect(wireValue(attrs, 'ChilliSpot-Max-Total-Octets')).toBeUndefined();
      }
      expect(wireValue(attrs, 'Idle-Timeout')).toBe(600); // the account's own profile's timeouts stay
    },
  );

  it.each([...ROUTER_VENDORS])('%s: a 5e9-byte quota arrives whole (octets + gigawords × 2^32)', async (vendor) => {
    const attrs = await loginThroughFreeRadius(vendor, username(vendor, 'full-hotspot'));
    const [octets, gigawords] =
      vendor === 'mikrotik'
        ? ['Mikrotik-Total-Limit', 'Mikrotik-Total-Limit-Gigawords']
        : ['ChilliSpot-Max-Total-Octets', 'ChilliSpot-Max-Total-Gigawords'];
    const lo = wireValue(attrs, octets);
    const hi = wireValue(attrs, gigawords);
    expect({ lo, hi }).toEqual({ lo: expect.any(Number), hi: expect.any(Number) });
    expect((lo as number) + (hi as number) * GIGA).toBe(QUOTA);
  });
});

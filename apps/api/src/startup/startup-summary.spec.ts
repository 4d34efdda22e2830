import { radiusCommand, StartupFacts, startupSummary } from './startup-summary';

const base: StartupFacts = {
  host: '0.0.0.0',
  port: 3000,
  radiusApiUrl: 'http://127.0.0.1:3001',
  dataDir: '/srv/radius/data',
  defaultDataDir: '/srv/radius/data',
  adminTokenFile: '/srv/radius/data/admin-token',
  adminTokenCreated: false,
  radiusTokenFromEnv: false,
  answerCacheControl: [{ host: '127.0.0.1', port: 18121 }],
  docsEnabled: true,
  metricsProtected: false,
};

describe('radiusCommand: the exact `npm run radius` for this instance', () => {
  it.each<[string, Partial<StartupFacts>, string]>([
    ['all defaults', {}, 'npm run radius'],
    ['another data dir', { dataDir: '/tmp/other data' }, 'DATA_DIR="/tmp/other data" npm run radius'],
    ['a data dir without spaces', { dataDir: '/var/lib/aaa' }, 'DATA_DIR=/var/lib/aaa npm run radius'],
    ['RADIUS listener on another port', { radiusApiUrl: 'http://127.0.0.1:41234' }, 'API_URL=http://127.0.0.1:41234 npm run radius'],
    ['RADIUS listener on all interfaces', { radiusApiUrl: 'http://0.0.0.0:3001' }, 'npm run radius'],
    ['RADIUS listener on IPv6 loopback', { radiusApiUrl: 'http://[::1]:3001' }, 'API_URL=http://[::1]:3001 npm run radius'],
    ['token from the environment', { radiusTokenFromEnv: true }, 'RADIUS_API_TOKEN="$RADIUS_API_TOKEN" npm run radius'],
    ['another control port', { answerCacheControl: [{ host: '127.0.0.1', port: 18200 }] }, 'RADIUS_CONTROL_PORT=18200 npm run radius'],
    ['no control port', { answerCacheControl: [] }, 'RADIUS_ANSWER_CACHE=0 npm run radius'],
    // Remote FreeRADIUS servers have their own settings: nothing to say about them here.
    ['remote control ports', { answerCacheControl: [{ host: 'fr1', port: 18200 }] }, 'npm run radius'],
    [
      'everything',
      {
        dataDir: '/d',
        radiusApiUrl: 'http://127.0.0.1:5000',
        radiusTokenFromEnv: true,
        answerCacheControl: [{ host: '127.0.0.1', port: 5001 }],
      },
      'DATA_DIR=/d RADIUS_API_TOKEN="$RADIUS_API_TOKEN" API_URL=http://127.0.0.1:5000 RADIUS_CONTROL_PORT=5001 npm run radius',
    ],
  ])('%s', (_name, facts, command) => {
    expect(radiusCommand({ ...base, ...facts })).toBe(command);
  });
});

describe('startupSummary', () => {
  it('is one short block: URLs, where the admin token is, the FreeRADIUS command', () => {
    const s = startupSummary({ ...base, adminTokenCreated: true });
    expect(s.lines).toEqual([
      '',
      'API listening on http://localhost:3000',
      '  Admin API   http://localhost:3000/api',
      '  Admin token in /srv/radius/data/admin-token (generated now)',
      '  Swagger UI  http://localhost:3000/docs',
      '  Portal      http://localhost:3000/portal',
      '  Panel       http://localhost:3000/panel (customers)',
      '  Metrics     http://localhost:3000/metrics (open: set METRICS_TOKEN, or keep this port off the internet)',
      '  FreeRADIUS  npm run radius',
      '',
    ]);
    expect(s.fields).toMatchObject({ api: 'http://localhost:3000/api', radiusCommand: 'npm run radius' });
  });

  it('names a specific host, the docs switch, a protected /metrics and a token from the environment', () => {
    const s = startupSummary({
      ...base,
      host: '192.0.2.5',
      port: 8080,
      docsEnabled: false,
      metricsProtected: true,
      adminTokenFile: undefined,
    });
    const text = s.lines.join('\n');
    expect(s.headline).toBe('API listening on http://192.0.2.5:8080');
    expect(text).toContain('Swagger UI  off (DOCS_ENABLED=false)');
    expect(text).toContain('Metrics     http://192.0.2.5:8080/metrics (bearer METRICS_TOKEN)');
    expect(text).toContain('Admin token from ADMIN_TOKEN');
  });

  it('says when the bootstrap token is retired, and where it is not', () => {
    const s = startupSummary({ ...base, adminTokenRetired: true });
    expect(s.lines.join('\n')).toContain('Admin token retired (ADMIN_TOKEN_ENABLED=false): personal operator tokens only');
    expect(s.fields.adminTokenFile).toBe('retired (ADMIN_TOKEN_ENABLED=false)');
  });
});

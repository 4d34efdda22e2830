import { ConfigError, loadConfig, validateEnv } from './load-config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The portal's variables: TRUSTED_PROXIES, PUBLIC_URL, PORTAL_DEFAULT_NASID. */
describe('portal configuration', () => {
  const env = (extra: Record<string, string>) => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'portal-env-')), ...extra });

  it('reads them into AppConfig', () => {
    const c = loadConfig(
      env({ TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8,::1', PUBLIC_URL: 'https://wifi.example.net', PORTAL_DEFAULT_NASID: 'Cafe Bar 1' }),
    );
    expect(c).toMatchObject({
      trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1'],
      publicUrl: 'https://wifi.example.net',
      portalDefaultNasid: 'Cafe Bar 1',
    });
    expect(loadConfig(env({})).trustedProxies).toEqual([]);
  });

  it.each([
    ['TRUSTED_PROXIES', '10.0.0.1/33'],
    ['TRUSTED_PROXIES', 'proxy.lan'],
    ['TRUSTED_PROXIES', '10.0.0.1, 10.0.0.2'],
    ['PUBLIC_URL', 'wifi.example.net'],
    ['PUBLIC_URL', 'ftp://wifi.example.net'],
  ])('refuses %s=%s at boot', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(ConfigError);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, validateEnv } from './load-config';

/** The customer panel's variables. */
describe('panel configuration', () => {
  const env = (extra: Record<string, string>) => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'panel-env-')), ...extra });

  it('has defaults and reads what is set', () => {
    expect(loadConfig(env({}))).toMatchObject({
      panelSessionIdleMinutes: 30,
      panelSessionMaxHours: 12,
      panelInviteHours: 72,
      panelInviteWebhook: undefined,
      panelTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    expect(
      loadConfig(
        env({
          PANEL_SESSION_IDLE_MINUTES: '15',
          PANEL_SESSION_MAX_HOURS: '2',
          PANEL_INVITE_HOURS: '24',
          PANEL_INVITE_WEBHOOK: 'https://hooks.example.net/panel-invite',
          PANEL_TIME_ZONE: 'Europe/Berlin',
        }),
      ),
    ).toMatchObject({
      panelSessionIdleMinutes: 15,
      panelSessionMaxHours: 2,
      panelInviteHours: 24,
      panelInviteWebhook: 'https://hooks.example.net/panel-invite',
      panelTimeZone: 'Europe/Berlin',
    });
    // Compose files pass unset variables as "".
    expect(loadConfig(env({ PANEL_INVITE_WEBHOOK: '', PANEL_TIME_ZONE: '' })).panelInviteWebhook).toBeUndefined();
  });

  it.each([
    ['PANEL_SESSION_IDLE_MINUTES', '0'],
    ['PANEL_SESSION_IDLE_MINUTES', 'soon'],
    ['PANEL_SESSION_MAX_HOURS', '721'],
    ['PANEL_INVITE_HOURS', '0'],
    ['PANEL_INVITE_WEBHOOK', 'ftp://hooks.example.net/'],
    ['PANEL_INVITE_WEBHOOK', 'hooks.example.net/panel'],
    ['PANEL_TIME_ZONE', 'Mars/Olympus_Mons'],
  ])('refuses %s=%s at boot', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(ConfigError);
  });
});

import { linkBoundToRouter } from './uam-binding';
import { LoginTarget } from './portal-params';

const target = (host: string): LoginTarget => ({ url: `http://${host}/login`, origin: `http://${host}`, host });
const router = { uamAddresses: ['10.5.50.1', '10.6.0.0/16'], uamHostname: 'hotspot.cafe.example' };

describe('linkBoundToRouter()', () => {
  it.each([
    [{ uamip: '10.5.50.1' }, true],
    [{ uamip: '10.6.200.9' }, true],
    [{ uamip: '10.5.50.2' }, false],
    [{ uamip: '10.7.0.1' }, false],
    [{ loginTarget: target('10.5.50.1') }, true],
    [{ loginTarget: target('hotspot.cafe.example') }, true],
    [{ loginTarget: target('hotspot.cafe.example.evil') }, false],
    [{ loginTarget: target('10.66.6.6') }, false],
    [{ uamip: '10.5.50.1', loginTarget: target('10.66.6.6') }, false],
    [{ uamip: '10.66.6.6', loginTarget: target('hotspot.cafe.example') }, false],
    [{}, false],
  ])('%j → %s', (link, expected) => {
    expect(linkBoundToRouter(router, link)).toBe(expected);
  });

  it('a router without addresses or a DNS name accepts nothing', () => {
    const none = { uamAddresses: [], uamHostname: null };
    expect(linkBoundToRouter(none, { uamip: '10.5.50.1' })).toBe(false);
    expect(linkBoundToRouter(none, { loginTarget: target('hotspot.cafe.example') })).toBe(false);
  });
});

import { attrLines, radclient, startFreeRadius } from './support/freeradius';
import { RADIUS_TOKEN, startTestApp } from './support/test-app';
it('dbg', async () => {
  const t = await startTestApp();
  const fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_DEBUG: '1' });
  const secret = (await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-cu', nasIp: '127.0.0.1' })).body.radiusSecret;
  const c = (await t.admin().post('/api/customers').send({ name: 'Eve' })).body.id;
  await t.admin().post(`/api/customers/${c}/accounts`).send({ username: 'eve', password: 'eve-pw-1', kind: 'hotspot' });
  const r = await radclient(fr.authPort, 'auth', secret, [attrLines({ 'User-Name': 'eve\\t', 'User-Password': 'eve-pw-1' })]);
  console.log(JSON.stringify(r));
  console.log(fr.output().split('\n').filter(l => /User-Name|reject|Reject|filter|rest|HTTP/.test(l)).slice(-60).join('\n'));
  await fr.stop(); await t.close();
}, 60000);

import { explainListenError, Listener } from './startup-errors';

const listeners: Listener[] = [
  { portVar: 'PORT', hostVar: 'HOST', host: '0.0.0.0', port: 3000 },
  { portVar: 'RADIUS_API_PORT', hostVar: 'RADIUS_API_HOST', host: '127.0.0.1', port: 3001 },
];
const listenError = (code: string, address: string, port: number) =>
  Object.assign(new Error(`listen ${code}: ${address}:${port}`), { code, address, port, syscall: 'listen' });

describe('explainListenError', () => {
  it.each([
    [listenError('EADDRINUSE', '0.0.0.0', 3000), listeners, /^Cannot listen on 0\.0\.0\.0:3000: .*in use.*Set PORT to a free port\.$/],
    [
      listenError('EADDRINUSE', '127.0.0.1', 3001),
      listeners,
      /^Cannot listen on 127\.0\.0\.1:3001: .*in use.*Set RADIUS_API_PORT to a free port\.$/,
    ],
    [
      listenError('EADDRINUSE', '127.0.0.1', 3000),
      [listeners[0], { ...listeners[1], port: 3000 }],
      /PORT and RADIUS_API_PORT are both 3000; give them different ports/,
    ],
    [listenError('EACCES', '0.0.0.0', 80), [{ ...listeners[0], port: 80 }], /permission denied.*Set PORT to a port above 1023/],
    [listenError('EADDRNOTAVAIL', '10.9.9.9', 3001), [{ ...listeners[1], host: '10.9.9.9' }], /no such address.*Set RADIUS_API_HOST/],
  ])('%s', (err, ls, expected) => {
    const explained = explainListenError(err, ls);
    expect(explained?.message).toMatch(expected);
    expect(explained?.message).not.toContain('\n');
  });

  it.each([
    ['another error', new Error('boom')],
    ['a port none of ours uses', listenError('EADDRINUSE', '127.0.0.1', 5555)],
    ['a connect error (no port)', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('leaves %s alone', (_what, err) => {
    expect(explainListenError(err, listeners)).toBeUndefined();
  });
});

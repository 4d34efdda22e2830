import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions, prettyStream } from './logger.options';
import { resolveLogFormat } from './config/load-config';

function capture(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { stream, text: () => out };
}

type PinoOpts = pino.LoggerOptions;

describe('log format', () => {
  it.each([
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)('LOG_FORMAT=%s, stdout a terminal: %s -> %s', (value, tty, format) => {
    expect(resolveLogFormat(value, tty)).toBe(format);
  });

  it('json mode passes options only (pino writes JSON lines to stdout)', () => {
    expect(Array.isArray(loggerOptions('info', 'json').pinoHttp)).toBe(false);
  });

  it('pretty mode writes one readable line per record: time, level, context, message', () => {
    const [opts] = loggerOptions('info', 'pretty').pinoHttp as [PinoOpts, unknown];
    const out = capture();
    pino(opts, prettyStream(out.stream)).info({ context: 'RadiusListener' }, 'RADIUS listener on http://127.0.0.1:3001');
    expect(out.text()).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO.*: \[RadiusListener\] RADIUS listener on http:\/\/127\.0\.0\.1:3001\n$/,
    );
  });

  it.each(['json', 'pretty'] as const)('%s mode redacts secrets before writing', (format) => {
    const params = loggerOptions('info', format).pinoHttp;
    const opts = (Array.isArray(params) ? params[0] : params) as PinoOpts;
    const out = capture();
    const log = format === 'pretty' ? pino(opts, prettyStream(out.stream)) : pino(opts, out.stream);
    log.info(
      {
        req: { headers: { authorization: 'Bearer admin-tok-123', 'x-radius-token': 'radius-tok-456' }, body: { any: 'body-789' } },
        router: { radiusSecret: 'radius-secret-abc', uamSecret: 'uam-secret-def', token: 'router-tok-ghi' },
        account: { password: 'pw-jkl' },
      },
      'something happened',
    );
    const text = out.text();
    expect(text).toContain('something happened');
    expect(text).toContain('[redacted]');
    for (const secret of [
      'admin-tok-123',
      'radius-tok-456',
      'body-789',
      'radius-secret-abc',
      'uam-secret-def',
      'router-tok-ghi',
      'pw-jkl',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

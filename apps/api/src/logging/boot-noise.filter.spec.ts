import { LoggerService } from '@nestjs/common';
import { BootNoiseFilter } from './boot-noise.filter';

describe('BootNoiseFilter', () => {
  const calls: [string, unknown[]][] = [];
  const inner: LoggerService = {
    log: (...a: unknown[]) => calls.push(['info', a]),
    debug: (...a: unknown[]) => calls.push(['debug', a]),
    warn: (...a: unknown[]) => calls.push(['warn', a]),
    error: (...a: unknown[]) => calls.push(['error', a]),
  };
  const filter = new BootNoiseFilter(inner);
  beforeEach(() => (calls.length = 0));

  it.each([
    ['RouterExplorer', 'Mapped {/api/customers, POST} route', 'debug'],
    ['RoutesResolver', 'CustomersController {/api/customers}:', 'debug'],
    ['InstanceLoader', 'AaaModule dependencies initialized', 'debug'],
    ['NestApplication', 'Nest application successfully started', 'debug'],
    ['RadiusListener', 'RADIUS listener on http://127.0.0.1:3001', 'info'],
    ['AccountLookup', '0 accounts cached', 'info'],
  ])('log from %s goes to %s', (context, message, level) => {
    filter.log(message, context);
    expect(calls).toEqual([[level === 'info' ? 'info' : level, [message, context]]]);
  });

  it('keeps warnings and errors of the quietened sources', () => {
    filter.warn('w', 'RouterExplorer');
    filter.error('e', 'stack', 'NestApplication');
    expect(calls).toEqual([
      ['warn', ['w', 'RouterExplorer']],
      ['error', ['e', 'stack', 'NestApplication']],
    ]);
  });
});

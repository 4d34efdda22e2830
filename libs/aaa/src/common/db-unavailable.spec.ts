import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, OutageLog } from './db-unavailable';
import { DatabaseUnavailableError } from './pg-connect-gate';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const queryFailed = (code: string) => new QueryFailedError('SELECT 1', [], pgError(code));

describe('isDatabaseUnavailable', () => {
  it.each([
    ['the pool gate refusing', new DatabaseUnavailableError('database unavailable'), true],
    ['a refused connect', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25432'), { code: 'ECONNREFUSED' }), true],
    ['a connect timeout', new Error('timeout exceeded when trying to connect'), true],
    ['a dropped connection', new Error('Connection terminated unexpectedly'), true],
    ['admin shutdown (57P01)', queryFailed('57P01'), true],
    ['starting up (57P03)', pgError('57P03', 'the database system is starting up'), true],
    ['connection exception class 08', pgError('08006'), true],
    ['too many clients (53300)', pgError('53300'), true],
    ['a database closed to connections', pgError('55000', 'database "x" is not currently accepting connections'), true],
    ['a unique violation', queryFailed('23505'), false],
    ['a syntax error', queryFailed('42601'), false],
    ['a bug', new TypeError('cannot read properties of undefined'), false],
    ['not an error', 'oops', false],
    ['nothing', undefined, false],
  ])('%s: %s', (_what, err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });
});

describe('OutageLog', () => {
  it('writes one line per interval, counting the failures it held back', () => {
    const lines: string[] = [];
    const log = { warn: (m: string) => lines.push(m) } as unknown as Logger;
    let now = 0;
    const outage = new OutageLog(log, 10_000, () => now);
    for (now = 0; now < 25_000; now += 1000) outage.failed('rlm_rest call', new Error('ECONNREFUSED'));
    expect(lines).toEqual([
      'rlm_rest call: database unavailable: ECONNREFUSED',
      'rlm_rest call: database unavailable: ECONNREFUSED (and 9 more since the last message)',
      'rlm_rest call: database unavailable: ECONNREFUSED (and 9 more since the last message)',
    ]);
  });
});

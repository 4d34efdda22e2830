import { prettyMessage } from './pretty-line';

describe('prettyMessage', () => {
  it.each([
    [{ msg: 'Ready', context: 'RadiusListener' }, '[RadiusListener] Ready'],
    [{ msg: 'no context' }, 'no context'],
    [{ msg: '', context: 'X' }, '[X] '],
    [
      { msg: 'request completed', req: { method: 'GET', path: '/api/customers' }, res: { statusCode: 200 }, responseTime: 3.6 },
      '[HTTP] GET /api/customers 200 4ms',
    ],
    [
      { msg: 'request errored', req: { method: 'POST', path: '/api/routers' }, res: { statusCode: 500 }, responseTime: 1 },
      '[HTTP] POST /api/routers 500 1ms request errored',
    ],
    // A record that only mentions a request (no response yet) is an ordinary message.
    [{ msg: 'x', context: 'C', req: { method: 'GET', path: '/' } }, '[C] x'],
  ])('%j -> %s', (log, line) => {
    expect(prettyMessage(log, 'msg')).toBe(line);
  });
});

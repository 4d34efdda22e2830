import { normalizeMac, parseFrame } from './json-rpc';

describe('parseFrame', () => {
  it.each([
    ['{"jsonrpc":"2.0","id":1,"method":"client_remove","params":{"uspot":"captive","address":"aa:bb:cc:dd:ee:ff"}}', 'request'],
    ['{"jsonrpc":"2.0","method":"hello","params":{"version":"1.0.0"}}', 'notification'],
    ['{"jsonrpc":"2.0","id":1,"method":"hello","params":null}', 'invalid'],
    ['{"jsonrpc":"2.0","id":"a","result":{}}', 'response'],
    ['{"jsonrpc":"2.0","id":"a","result":null}', 'response'],
    ['{"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"x"}}', 'response'],
    ['{"jsonrpc":"2.0","id":2,"error":"x"}', 'invalid'],
    ['{"jsonrpc":"2.0","id":2,"result":1,"error":{"code":1,"message":"x"}}', 'invalid'],
    ['{"jsonrpc":"2.0","id":{},"method":"x"}', 'invalid'],
    ['{"jsonrpc":"2.0","result":1}', 'invalid'],
    ['null', 'invalid'],
    ['[{"jsonrpc":"2.0","method":"hello"}]', 'invalid'],
  ])('%s is a %s', (text, kind) => {
    expect(parseFrame(text).kind).toBe(kind);
  });

  it('answers unparsable text with -32700 and a null id', () => {
    expect(parseFrame('{oops')).toEqual({
      kind: 'invalid',
      reply: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
    });
  });

  it('keeps the id of an otherwise invalid request so the sender can correlate', () => {
    const r = parseFrame('{"jsonrpc":"1.0","id":9,"method":"x"}');
    expect(r).toMatchObject({ kind: 'invalid', reply: { id: 9, error: { code: -32600 } } });
  });
});

describe('normalizeMac', () => {
  it.each([
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['AABB.CCDD.EEFF', 'aa:bb:cc:dd:ee:ff'],
    ['AA-BB-CC-DD-EE', null],
    ['not a mac', null],
  ])('%s -> %s', (raw, mac) => expect(normalizeMac(raw)).toBe(mac));
});

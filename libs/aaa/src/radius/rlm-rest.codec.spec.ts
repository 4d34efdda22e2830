import { encodeAttributes, fromRadiusText, MalformedBodyError, parseAttributes } from './rlm-rest.codec';

describe('rlm_rest codec', () => {
  it('reads rlm_rest body=json and flat data-template bodies alike', () => {
    const nested = parseAttributes({
      'User-Name': { type: 'string', value: ['alice'] },
      'Acct-Input-Octets': { type: 'integer', value: [12] },
    });
    const flat = parseAttributes({ 'User-Name': 'alice', 'Acct-Input-Octets': 12, 'NAS-Port': null, 'Called-Station-Id': '' });
    expect([...nested]).toEqual([...flat]);
    expect(flat.has('NAS-Port')).toBe(false);
    expect(flat.has('Called-Station-Id')).toBe(false);
  });

  it('restores UTF-8 that FreeRADIUS sent byte by byte', () => {
    const mangled = Buffer.from('Jürgen', 'utf8').toString('latin1');
    expect(fromRadiusText(mangled)).toBe('Jürgen');
    expect(fromRadiusText('plain')).toBe('plain');
    expect(fromRadiusText('ÿ')).toBe('ÿ'); // not valid UTF-8 bytes: left alone
  });

  it.each([[[1]], ['x'], [42]])('refuses a non-object body %j', (body) => {
    expect(() => parseAttributes(body)).toThrow(MalformedBodyError);
  });

  it('marks strings do_xlat:false so % is never expanded, and lists as +=', () => {
    expect(
      encodeAttributes({ 'control:Cleartext-Password': 'p%d', 'reply:Session-Timeout': 60, x: undefined, 'reply:Class': ['a', 'b'] }),
    ).toEqual({
      'control:Cleartext-Password': { value: 'p%d', do_xlat: false },
      'reply:Session-Timeout': 60,
      'reply:Class': { op: '+=', value: ['a', 'b'], do_xlat: false },
    });
  });
});

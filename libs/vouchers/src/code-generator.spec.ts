import { checkSpec, CodeSpec, DEFAULT_ALPHABET, DEFAULT_CODE_LENGTH, generateCode, generateCodes } from './code-generator';

const spec = (over: Partial<CodeSpec> = {}): CodeSpec => ({ prefix: '', length: DEFAULT_CODE_LENGTH, alphabet: DEFAULT_ALPHABET, ...over });

describe('voucher code generator', () => {
  it('has no confusable characters in the default alphabet', () => {
    for (const c of '0O1Ili2Z5S8BUVo') expect(DEFAULT_ALPHABET).not.toContain(c);
    expect(new Set(DEFAULT_ALPHABET).size).toBe(DEFAULT_ALPHABET.length);
  });

  it.each<[string, Partial<CodeSpec>, string | null]>([
    ['the defaults', {}, null],
    ['a prefix', { prefix: 'CAFE-' }, null],
    ['digits only, long enough', { alphabet: '0123456789', length: 13 }, null],
    ['digits only, too short to be safe', { alphabet: '0123456789', length: 8 }, 'too easy to guess'],
    ['too short', { length: 5 }, 'codeLength must be'],
    ['too long', { length: 33 }, 'codeLength must be'],
    ['a fractional length', { length: 10.5 }, 'codeLength must be'],
    ['a repeated character', { alphabet: 'ABCDEFGHA' }, 'must not repeat'],
    ['a repeat differing in case only', { alphabet: 'abcdefghA' }, 'must not repeat'],
    ['a character a URL or CSV would mangle', { alphabet: 'ABCDEF,GH' }, 'may only contain'],
    ['a space', { alphabet: 'ABC DEFGH' }, 'may only contain'],
    ['a non-ASCII letter', { alphabet: 'ABCDEFGHÄ' }, 'may only contain'],
    ['a one-letter alphabet', { alphabet: 'A', length: 32 }, 'at least 2'],
    ['a prefix with a dot', { prefix: 'a.b' }, 'prefix must be'],
    ['a prefix starting with a dash', { prefix: '-AB' }, 'prefix must be'],
    ['a dash in the alphabet', { alphabet: 'ABCDEFGH-' }, 'may only contain'],
    ['a prefix over 16 characters', { prefix: 'P'.repeat(17) }, 'prefix must be'],
    ['the longest prefix and code (a 48-character username)', { prefix: 'P'.repeat(16), length: 32 }, null],
  ])('checks %s', (_name, over, error) => {
    const result = checkSpec(spec(over));
    if (error === null) expect(result).toBeNull();
    else expect(result).toContain(error);
  });

  it('draws every character from the alphabet through the random source', () => {
    let i = 0;
    const code = generateCode(spec({ prefix: 'X-', length: 6, alphabet: 'ABC' }), (max) => i++ % max);
    expect(code).toBe('X-ABCABC');
  });

  it('uses the CSPRNG by default and stays inside the alphabet', () => {
    const codes = generateCodes(2000, spec());
    for (const c of codes) expect(c).toMatch(new RegExp(`^[${DEFAULT_ALPHABET}]{${DEFAULT_CODE_LENGTH}}$`));
    expect(new Set(codes).size).toBe(2000);
  });

  it('never returns the same code twice, nor an excluded one', () => {
    // Draws: AAAAAA (excluded), BBBBBB, BBBBBB again, CCCCCC.
    const draws = [...Array(6).fill(0), ...Array(12).fill(1), ...Array(6).fill(2)];
    let i = 0;
    const codes = generateCodes(2, spec({ length: 6, alphabet: 'ABC' }), () => draws[i++], new Set(['aaaaaa']));
    expect(codes).toEqual(['BBBBBB', 'CCCCCC']);
  });

  it('fails loudly instead of spinning when the code space is exhausted', () => {
    expect(() => generateCodes(3, spec({ length: 6, alphabet: 'AB' }), () => 0)).toThrow('too small');
  });
});

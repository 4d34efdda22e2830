import { LANGS, messages, pickLang } from './i18n';

describe('panel languages', () => {
  it.each([
    ['de', undefined, undefined, 'de'],
    ['xx', 'de', 'en', 'de'],
    [undefined, undefined, 'fr-FR, de;q=0.8, en;q=0.5', 'de'],
    [undefined, 'en', 'de-DE', 'en'],
    [undefined, undefined, 'de;q=0, en;q=0.1', 'en'],
    [undefined, undefined, undefined, 'en'],
    [['de'], undefined, undefined, 'en'],
  ])('?lang=%j, cookie %j, Accept-Language %j → %s', (param, cookie, accept, expected) => {
    expect(pickLang(param, cookie, accept)).toBe(expected);
  });

  it('every language has every message', () => {
    const shape = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? shape(v).map((s) => `${k}.${s}`) : [k]));
    for (const lang of LANGS) expect(shape(messages(lang))).toEqual(shape(messages('en')));
  });
});

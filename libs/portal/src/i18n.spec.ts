import { LANGS, messages, pickLang, reasonText } from './i18n';

describe('i18n', () => {
  it.each([
    ['de', undefined, 'de'],
    ['de-AT', 'en', 'de'],
    ['EN', 'de', 'en'],
    ['fr', 'de-DE,de;q=0.9', 'de'],
    [undefined, 'fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7', 'de'],
    [undefined, 'en;q=0.5,de;q=0.8', 'de'],
    [undefined, 'de;q=0,en', 'en'],
    [undefined, 'fr', 'en'],
    [undefined, undefined, 'en'],
  ])('pickLang(%j, %j) = %s', (param, accept, expected) => expect(pickLang(param, accept)).toBe(expected));

  it('has every string in every language', () => {
    const keys = Object.keys(messages('en')).sort();
    for (const l of LANGS) {
      expect(Object.keys(messages(l)).sort()).toEqual(keys);
      expect(Object.keys(messages(l).reasons).sort()).toEqual(Object.keys(messages('en').reasons).sort());
    }
  });

  it.each(['unknown_user', 'wrong_password', 'bad_password', 'banned', 'disabled', 'restricted', 'api_unavailable'])(
    'says the same for %s as for any failed login: nothing tells whether the account exists',
    (code) => {
      for (const l of LANGS) expect(reasonText(messages(l), code)).toBe(messages(l).loginFailed);
    },
  );

  it('tells the account holder what they can act on, and falls back to the generic failure', () => {
    expect(reasonText(messages('en'), 'quota_exceeded')).toBe('Your data allowance is used up.');
    expect(reasonText(messages('en'), 'max_sessions')).toBe('This account is already logged in on too many devices.');
    expect(reasonText(messages('de'), 'expired')).toBe('Ihr Zugang ist abgelaufen.');
    expect(reasonText(messages('en'), 'toString')).toBe(messages('en').loginFailed);
    expect(reasonText(messages('en'), 'something_new')).toBe(messages('en').loginFailed);
    expect(reasonText(messages('en'), null)).toBe(messages('en').loginFailed);
  });
});

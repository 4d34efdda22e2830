/** All user-visible strings, one place. Add a language by adding one object. */

import type { VoucherReason } from './voucher-code';

export const LANGS = ['en', 'de'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * Reject reasons (auth_events.reason) the account holder needs to hear to act on them.
 * Everything else (unknown user, wrong password, blocked, disabled, restricted, and any
 * code added later) is one message, so the page never tells whether an account exists.
 */
export const HOLDER_REASONS = ['expired', 'quota_exceeded', 'time_exceeded', 'max_sessions'] as const;
export type HolderReason = (typeof HOLDER_REASONS)[number];

export interface Messages {
  defaultTitle: string;
  loginHeading: string;
  username: string;
  password: string;
  acceptTerms: string;
  termsHeading: string;
  submit: string;
  connectedHeading: string;
  connectedText: string;
  continueTo: string;
  timeLeft: (minutes: number) => string;
  logoff: string;
  loggedOutHeading: string;
  loggedOutText: string;
  loginAgain: string;
  invalidAccessHeading: string;
  invalidAccessText: string;
  badRequestHeading: string;
  badRequestText: string;
  badSignatureHeading: string;
  badSignatureText: string;
  formExpiredHeading: string;
  formExpiredText: string;
  tooManyHeading: string;
  tooManyText: string;
  unavailableHeading: string;
  unavailableText: string;
  termsRequired: string;
  usernameRequired: string;
  loginFailed: string;
  routerTimeout: string;
  reasons: Record<HolderReason, string>;
  voucherHeading: string;
  voucherCode: string;
  voucherRequired: string;
  voucherFailed: string;
  voucherReasons: Record<VoucherReason, string>;
  voucherSavedHeading: string;
  voucherSavedText: string;
  voucherBadLinkText: string;
  openAnyPage: string;
}

const en: Messages = {
  defaultTitle: 'WiFi login',
  loginHeading: 'Log in to the internet',
  username: 'Username',
  password: 'Password',
  acceptTerms: 'I accept the terms of use',
  termsHeading: 'Terms of use',
  submit: 'Log in',
  connectedHeading: 'You are connected',
  connectedText: 'You can now use the internet.',
  continueTo: 'Continue to',
  timeLeft: (m) => `Time left: ${m} min`,
  logoff: 'Log out',
  loggedOutHeading: 'You are logged out',
  loggedOutText: 'Your session has ended.',
  loginAgain: 'Log in again',
  invalidAccessHeading: 'Invalid access method',
  invalidAccessText: 'This page only works when you connect to the hotspot WiFi and open any website: the hotspot then sends you here.',
  badRequestHeading: 'Invalid login link',
  badRequestText: 'The link that brought you here is not valid. Connect to the hotspot WiFi and open any website to start again.',
  badSignatureHeading: 'Link could not be verified',
  badSignatureText: 'The link that brought you here was changed or is incomplete. Open any website again to get a fresh login page.',
  formExpiredHeading: 'The login form expired',
  formExpiredText: 'Please open any website again to get a fresh login page.',
  tooManyHeading: 'Too many attempts',
  tooManyText: 'Please wait a minute before trying again.',
  unavailableHeading: 'Login temporarily unavailable',
  unavailableText: 'Please try again in a moment.',
  termsRequired: 'Please accept the terms of use.',
  usernameRequired: 'Please enter your username.',
  loginFailed: 'Login failed. Please check your username and password.',
  routerTimeout: 'The hotspot could not reach the login server. Please try again.',
  reasons: {
    expired: 'Your account has expired.',
    quota_exceeded: 'Your data allowance is used up.',
    time_exceeded: 'Your time allowance is used up.',
    max_sessions: 'This account is already logged in on too many devices.',
  },
  voucherHeading: 'Enter your voucher code',
  voucherCode: 'Voucher code',
  voucherRequired: 'Please enter your voucher code.',
  voucherFailed: 'This voucher code is not valid. Please check it and try again.',
  voucherReasons: {
    expired: 'This voucher has expired.',
    used_up: 'This voucher is used up.',
    revoked: 'This voucher is no longer valid.',
    in_use: 'This voucher is already in use on another device.',
  },
  voucherSavedHeading: 'Your voucher code is ready',
  voucherSavedText:
    'Connect to the hotspot WiFi and open any website: the login page will have your code filled in. You can also type the code printed on your card.',
  voucherBadLinkText: 'This link does not carry a valid voucher code. Type the code printed on your card on the login page instead.',
  openAnyPage: 'Open a website',
};

const de: Messages = {
  defaultTitle: 'WLAN-Anmeldung',
  loginHeading: 'Im Internet anmelden',
  username: 'Benutzername',
  password: 'Passwort',
  acceptTerms: 'Ich akzeptiere die Nutzungsbedingungen',
  termsHeading: 'Nutzungsbedingungen',
  submit: 'Anmelden',
  connectedHeading: 'Sie sind verbunden',
  connectedText: 'Sie können das Internet jetzt nutzen.',
  continueTo: 'Weiter zu',
  timeLeft: (m) => `Verbleibende Zeit: ${m} min`,
  logoff: 'Abmelden',
  loggedOutHeading: 'Sie sind abgemeldet',
  loggedOutText: 'Ihre Sitzung wurde beendet.',
  loginAgain: 'Erneut anmelden',
  invalidAccessHeading: 'Ungültiger Zugriff',
  invalidAccessText:
    'Diese Seite funktioniert nur, wenn Sie mit dem Hotspot-WLAN verbunden sind und eine beliebige Website öffnen: Der Hotspot leitet Sie dann hierher.',
  badRequestHeading: 'Ungültiger Anmeldelink',
  badRequestText:
    'Der Link, der Sie hierher geführt hat, ist ungültig. Verbinden Sie sich mit dem Hotspot-WLAN und öffnen Sie eine beliebige Website.',
  badSignatureHeading: 'Link konnte nicht geprüft werden',
  badSignatureText:
    'Der Link, der Sie hierher geführt hat, wurde verändert oder ist unvollständig. Öffnen Sie erneut eine Website, um eine neue Anmeldeseite zu erhalten.',
  formExpiredHeading: 'Das Anmeldeformular ist abgelaufen',
  formExpiredText: 'Bitte öffnen Sie erneut eine Website, um eine neue Anmeldeseite zu erhalten.',
  tooManyHeading: 'Zu viele Versuche',
  tooManyText: 'Bitte warten Sie eine Minute und versuchen Sie es dann erneut.',
  unavailableHeading: 'Anmeldung vorübergehend nicht möglich',
  unavailableText: 'Bitte versuchen Sie es gleich noch einmal.',
  termsRequired: 'Bitte akzeptieren Sie die Nutzungsbedingungen.',
  usernameRequired: 'Bitte geben Sie Ihren Benutzernamen ein.',
  loginFailed: 'Anmeldung fehlgeschlagen. Bitte prüfen Sie Benutzername und Passwort.',
  routerTimeout: 'Der Hotspot konnte den Anmeldeserver nicht erreichen. Bitte versuchen Sie es erneut.',
  reasons: {
    expired: 'Ihr Zugang ist abgelaufen.',
    quota_exceeded: 'Ihr Datenvolumen ist aufgebraucht.',
    time_exceeded: 'Ihr Zeitguthaben ist aufgebraucht.',
    max_sessions: 'Dieser Zugang ist bereits auf zu vielen Geräten angemeldet.',
  },
  voucherHeading: 'Geben Sie Ihren Gutscheincode ein',
  voucherCode: 'Gutscheincode',
  voucherRequired: 'Bitte geben Sie Ihren Gutscheincode ein.',
  voucherFailed: 'Dieser Gutscheincode ist ungültig. Bitte prüfen Sie ihn und versuchen Sie es erneut.',
  voucherReasons: {
    expired: 'Dieser Gutschein ist abgelaufen.',
    used_up: 'Dieser Gutschein ist aufgebraucht.',
    revoked: 'Dieser Gutschein ist nicht mehr gültig.',
    in_use: 'Dieser Gutschein wird bereits auf einem anderen Gerät genutzt.',
  },
  voucherSavedHeading: 'Ihr Gutscheincode ist bereit',
  voucherSavedText:
    'Verbinden Sie sich mit dem Hotspot-WLAN und öffnen Sie eine beliebige Website: Die Anmeldeseite hat Ihren Code dann schon eingetragen. Sie können den Code auch von Ihrer Karte abtippen.',
  voucherBadLinkText: 'Dieser Link enthält keinen gültigen Gutscheincode. Tippen Sie den Code von Ihrer Karte auf der Anmeldeseite ein.',
  openAnyPage: 'Website öffnen',
};

const MESSAGES: Record<Lang, Messages> = { en, de };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}

function supported(tag: string): Lang | undefined {
  const base = tag.trim().slice(0, 2).toLowerCase();
  return (LANGS as readonly string[]).includes(base) ? (base as Lang) : undefined;
}

/** `lang` parameter first, then Accept-Language by q-value, then English. */
export function pickLang(param: string | undefined, acceptLanguage: string | undefined): Lang {
  const fromParam = param ? supported(param) : undefined;
  if (fromParam) return fromParam;
  const ranked = (acceptLanguage ?? '')
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag, ...attrs] = part.split(';');
      const q = attrs.map((a) => /^\s*q=([\d.]+)\s*$/.exec(a)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** The holder's reasons get their own text; every other code the one login-failed message. */
export function reasonText(m: Messages, code: string | null | undefined): string {
  return code && (HOLDER_REASONS as readonly string[]).includes(code) ? m.reasons[code as HolderReason] : m.loginFailed;
}

/** What a voucher-mode page says after a failed login: the voucher's state, or one message for everything else. */
export function voucherReasonText(m: Messages, reason: VoucherReason | null): string {
  return reason ? m.voucherReasons[reason] : m.voucherFailed;
}

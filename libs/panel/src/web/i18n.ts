import type { ConnectionState } from '../queries/connection-state';
import type { PasswordProblem } from '../credentials/password-rules';

/** Every string the panel shows, one place, in the captive portal's languages. Add a language by adding one object. */
export const LANGS = ['en', 'de'] as const;
export type Lang = (typeof LANGS)[number];

export interface Messages {
  /** BCP 47 locale for numbers and dates. */
  locale: string;
  title: string;
  nav: { connections: string; history: string; signOut: string; signedInAs: (name: string) => string; language: string };
  signIn: {
    heading: string;
    email: string;
    password: string;
    submit: string;
    failed: string;
    locked: string;
    rateLimited: string;
    missing: string;
    formExpired: string;
    signedOut: string;
    sessionEnded: string;
    passwordSet: string;
    notAllowedHeading: string;
    notAllowedText: (ip: string) => string;
  };
  invite: { heading: string; text: (min: number) => string; submit: string; invalidHeading: string; invalidText: string };
  password: { new: string; confirm: string; problems: Record<PasswordProblem, (min: number) => string> };
  connections: {
    heading: string;
    none: string;
    username: string;
    kind: string;
    kinds: Record<'vpn' | 'hotspot', string>;
    staticIp: string;
    status: string;
    states: Record<ConnectionState, string>;
    speed: string;
    speedValue: (down: string, up: string) => string;
    expires: string;
    never: string;
    usage: string;
    usageOf: (used: string, quota: string, percent: string) => string;
    unlimited: (used: string) => string;
    manage: string;
    allowlist: string;
    allowlistNone: string;
    outsideAllowlist: (networks: string) => string;
  };
  sessions: {
    open: string;
    none: string;
    router: string;
    device: string;
    address: string;
    started: string;
    ended: string;
    data: string;
    dataValue: (down: string, up: string) => string;
    disconnect: string;
    cause: string;
    /** Acct-Terminate-Cause (RFC 2866) and the causes this product writes, in words; others are shown as sent. */
    causes: Record<string, string>;
  };
  device: {
    changeHeading: string;
    changeHint: (min: number) => string;
    submit: string;
    done: Record<'password' | 'disconnected' | 'already_ended', string>;
    problems: Record<'not_allowed' | 'router_unreachable' | 'router_refused', string>;
  };
  history: {
    heading: string;
    chartTitle: string;
    chartDesc: (total: string, peak: string, peakDay: string) => string;
    chartEmpty: string;
    closed: string;
    none: string;
    connection: string;
    all: string;
    show: string;
    page: (n: number, of: number) => string;
    newer: string;
    older: string;
  };
  errors: {
    notFoundHeading: string;
    notFoundText: string;
    unavailableHeading: string;
    unavailableText: string;
    back: string;
  };
  timesIn: (zone: string) => string;
}

const en: Messages = {
  locale: 'en-GB',
  title: 'Customer panel',
  nav: {
    connections: 'Connections',
    history: 'History',
    signOut: 'Sign out',
    signedInAs: (n) => `Signed in as ${n}`,
    language: 'Language',
  },
  signIn: {
    heading: 'Sign in',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    failed: 'Sign-in failed. Check your email and password.',
    locked: 'Too many failed sign-ins. Try again in 15 minutes.',
    rateLimited: 'Too many attempts from your address. Wait a minute, then try again.',
    missing: 'Enter your email and your password.',
    formExpired: 'The form expired. Please try again.',
    signedOut: 'You are signed out.',
    sessionEnded: 'Your session has ended. Please sign in again.',
    passwordSet: 'Your password is set. Sign in with it.',
    notAllowedHeading: 'Not from this network',
    notAllowedText: (ip) =>
      `Your connections allow the panel only from networks your provider listed, and your address ${ip} is not in any of them. Sign in from one of those networks, or ask your provider to change the list.`,
  },
  invite: {
    heading: 'Set your password',
    text: (min) => `Choose the password for your customer panel: at least ${min} characters.`,
    submit: 'Save password',
    invalidHeading: 'This link is no longer valid',
    invalidText: 'It has been used already, or it expired. Ask your provider for a new one.',
  },
  password: {
    new: 'New password',
    confirm: 'New password again',
    problems: {
      missing: () => 'Enter a password.',
      too_short: (min) => `Use at least ${min} characters.`,
      too_long: () => 'Use at most 128 characters.',
      control_chars: () => 'The password contains characters that cannot be used.',
      mismatch: () => 'The two passwords differ.',
    },
  },
  connections: {
    heading: 'Your connections',
    none: 'You have no connections yet.',
    username: 'Username',
    kind: 'Type',
    kinds: { vpn: 'VPN', hotspot: 'Hotspot' },
    staticIp: 'Static IP',
    status: 'Status',
    states: {
      active: 'Active',
      banned: 'Blocked',
      disabled: 'Disabled',
      expired: 'Expired',
      quota_exceeded: 'Data used up',
      restricted: 'Restricted',
    },
    speed: 'Speed',
    speedValue: (down, up) => `↓ ${down} · ↑ ${up}`,
    expires: 'Expires',
    never: 'Never',
    usage: 'Data this period',
    usageOf: (used, quota, percent) => `${used} of ${quota} (${percent})`,
    unlimited: (used) => `${used} (no limit)`,
    manage: 'Manage',
    allowlist: 'Changes allowed from',
    allowlistNone: 'Anywhere',
    outsideAllowlist: (networks) =>
      `You are outside the networks this connection may be changed from (${networks}): changes are not possible from here.`,
  },
  sessions: {
    open: 'Open sessions',
    none: 'No open sessions.',
    router: 'Router',
    device: 'Device (MAC)',
    address: 'Address',
    started: 'Started',
    ended: 'Ended',
    data: 'Data ↓ / ↑',
    dataValue: (down, up) => `${down} / ${up}`,
    disconnect: 'Disconnect',
    cause: 'Ended by',
    causes: {
      'User-Request': 'Device (logged off)',
      'Admin-Reset': 'Disconnected from the panel or by your provider',
      'Session-Timeout': 'Time limit',
      'Idle-Timeout': 'Idle too long',
      'Lost-Carrier': 'Connection lost',
      'Lost-Service': 'Connection lost',
      'NAS-Reboot': 'Router restarted',
      'NAS-Request': 'Router',
      'Session-Replaced': 'Device connected again',
      Stale: 'No news from the router',
    },
  },
  device: {
    changeHeading: 'Change the device password',
    changeHint: (min) => `The device then logs in with the new password only. At least ${min} characters.`,
    submit: 'Change password',
    done: {
      password: 'The password is changed. The device logs in with the new one from now on.',
      disconnected: 'The session was disconnected.',
      already_ended: 'That session had already ended.',
    },
    problems: {
      not_allowed: 'This connection can only be changed from the networks listed for it.',
      router_unreachable: 'The router could not be reached. Please try again later.',
      router_refused: 'The router refused to end the session.',
    },
  },
  history: {
    heading: 'History',
    chartTitle: 'Data per day, last 30 days',
    chartDesc: (total, peak, day) => `${total} in 30 days; most on ${day}: ${peak}.`,
    chartEmpty: 'No data used in the last 30 days.',
    closed: 'Past sessions',
    none: 'No past sessions yet.',
    connection: 'Connection',
    all: 'All connections',
    show: 'Show',
    page: (n, of) => `Page ${n} of ${of}`,
    newer: 'Newer',
    older: 'Older',
  },
  errors: {
    notFoundHeading: 'Not found',
    notFoundText: 'This page does not exist, or it is not yours.',
    unavailableHeading: 'Temporarily unavailable',
    unavailableText: 'The panel cannot be reached right now. Please try again in a moment.',
    back: 'Back to your connections',
  },
  timesIn: (zone) => `Times in ${zone}.`,
};

const de: Messages = {
  locale: 'de-DE',
  title: 'Kundenbereich',
  nav: {
    connections: 'Verbindungen',
    history: 'Verlauf',
    signOut: 'Abmelden',
    signedInAs: (n) => `Angemeldet als ${n}`,
    language: 'Sprache',
  },
  signIn: {
    heading: 'Anmelden',
    email: 'E-Mail',
    password: 'Passwort',
    submit: 'Anmelden',
    failed: 'Anmeldung fehlgeschlagen. Bitte prüfen Sie E-Mail und Passwort.',
    locked: 'Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in 15 Minuten erneut.',
    rateLimited: 'Zu viele Versuche von Ihrer Adresse. Bitte warten Sie eine Minute.',
    missing: 'Bitte geben Sie E-Mail und Passwort ein.',
    formExpired: 'Das Formular ist abgelaufen. Bitte versuchen Sie es erneut.',
    signedOut: 'Sie sind abgemeldet.',
    sessionEnded: 'Ihre Sitzung ist beendet. Bitte melden Sie sich erneut an.',
    passwordSet: 'Ihr Passwort ist gesetzt. Melden Sie sich damit an.',
    notAllowedHeading: 'Nicht aus diesem Netz',
    notAllowedText: (ip) =>
      `Ihre Verbindungen erlauben den Kundenbereich nur aus Netzen, die Ihr Anbieter eingetragen hat, und Ihre Adresse ${ip} liegt in keinem davon. Melden Sie sich aus einem dieser Netze an, oder bitten Sie Ihren Anbieter, die Liste zu ändern.`,
  },
  invite: {
    heading: 'Passwort festlegen',
    text: (min) => `Wählen Sie das Passwort für Ihren Kundenbereich: mindestens ${min} Zeichen.`,
    submit: 'Passwort speichern',
    invalidHeading: 'Dieser Link ist nicht mehr gültig',
    invalidText: 'Er wurde schon benutzt oder ist abgelaufen. Bitten Sie Ihren Anbieter um einen neuen.',
  },
  password: {
    new: 'Neues Passwort',
    confirm: 'Neues Passwort wiederholen',
    problems: {
      missing: () => 'Bitte geben Sie ein Passwort ein.',
      too_short: (min) => `Bitte mindestens ${min} Zeichen.`,
      too_long: () => 'Bitte höchstens 128 Zeichen.',
      control_chars: () => 'Das Passwort enthält Zeichen, die nicht verwendet werden können.',
      mismatch: () => 'Die beiden Passwörter sind verschieden.',
    },
  },
  connections: {
    heading: 'Ihre Verbindungen',
    none: 'Sie haben noch keine Verbindungen.',
    username: 'Benutzername',
    kind: 'Art',
    kinds: { vpn: 'VPN', hotspot: 'Hotspot' },
    staticIp: 'Feste IP',
    status: 'Status',
    states: {
      active: 'Aktiv',
      banned: 'Gesperrt',
      disabled: 'Deaktiviert',
      expired: 'Abgelaufen',
      quota_exceeded: 'Datenvolumen verbraucht',
      restricted: 'Eingeschränkt',
    },
    speed: 'Geschwindigkeit',
    speedValue: (down, up) => `↓ ${down} · ↑ ${up}`,
    expires: 'Läuft ab',
    never: 'Nie',
    usage: 'Daten in diesem Zeitraum',
    usageOf: (used, quota, percent) => `${used} von ${quota} (${percent})`,
    unlimited: (used) => `${used} (unbegrenzt)`,
    manage: 'Verwalten',
    allowlist: 'Änderungen erlaubt aus',
    allowlistNone: 'Überall',
    outsideAllowlist: (networks) =>
      `Sie sind außerhalb der Netze, aus denen diese Verbindung geändert werden darf (${networks}): Änderungen sind von hier nicht möglich.`,
  },
  sessions: {
    open: 'Offene Sitzungen',
    none: 'Keine offenen Sitzungen.',
    router: 'Router',
    device: 'Gerät (MAC)',
    address: 'Adresse',
    started: 'Beginn',
    ended: 'Ende',
    data: 'Daten ↓ / ↑',
    dataValue: (down, up) => `${down} / ${up}`,
    disconnect: 'Trennen',
    cause: 'Beendet durch',
    causes: {
      'User-Request': 'Gerät (abgemeldet)',
      'Admin-Reset': 'Getrennt im Kundenbereich oder durch Ihren Anbieter',
      'Session-Timeout': 'Zeitlimit',
      'Idle-Timeout': 'Zu lange inaktiv',
      'Lost-Carrier': 'Verbindung verloren',
      'Lost-Service': 'Verbindung verloren',
      'NAS-Reboot': 'Router neu gestartet',
      'NAS-Request': 'Router',
      'Session-Replaced': 'Gerät neu verbunden',
      Stale: 'Keine Meldung mehr vom Router',
    },
  },
  device: {
    changeHeading: 'Gerätepasswort ändern',
    changeHint: (min) => `Das Gerät meldet sich danach nur noch mit dem neuen Passwort an. Mindestens ${min} Zeichen.`,
    submit: 'Passwort ändern',
    done: {
      password: 'Das Passwort ist geändert. Das Gerät meldet sich ab jetzt mit dem neuen an.',
      disconnected: 'Die Sitzung wurde getrennt.',
      already_ended: 'Diese Sitzung war schon beendet.',
    },
    problems: {
      not_allowed: 'Diese Verbindung kann nur aus den für sie eingetragenen Netzen geändert werden.',
      router_unreachable: 'Der Router war nicht erreichbar. Bitte versuchen Sie es später erneut.',
      router_refused: 'Der Router hat das Beenden der Sitzung abgelehnt.',
    },
  },
  history: {
    heading: 'Verlauf',
    chartTitle: 'Daten pro Tag, letzte 30 Tage',
    chartDesc: (total, peak, day) => `${total} in 30 Tagen; am meisten am ${day}: ${peak}.`,
    chartEmpty: 'In den letzten 30 Tagen wurden keine Daten genutzt.',
    closed: 'Vergangene Sitzungen',
    none: 'Noch keine vergangenen Sitzungen.',
    connection: 'Verbindung',
    all: 'Alle Verbindungen',
    show: 'Anzeigen',
    page: (n, of) => `Seite ${n} von ${of}`,
    newer: 'Neuere',
    older: 'Ältere',
  },
  errors: {
    notFoundHeading: 'Nicht gefunden',
    notFoundText: 'Diese Seite gibt es nicht, oder sie gehört nicht zu Ihrem Zugang.',
    unavailableHeading: 'Vorübergehend nicht erreichbar',
    unavailableText: 'Der Kundenbereich ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    back: 'Zurück zu Ihren Verbindungen',
  },
  timesIn: (zone) => `Zeiten in ${zone}.`,
};

const MESSAGES: Record<Lang, Messages> = { en, de };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** `?lang=`, then the `panel_lang` cookie, then Accept-Language by q-value, then English (the portal's rule plus the cookie). */
export function pickLang(param: unknown, cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(param)) return param;
  if (isLang(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag, ...attrs] = part.split(';');
      const q = attrs.map((a) => /^\s*q=([\d.]+)\s*$/.exec(a)?.[1]).find(Boolean);
      return { base: tag.trim().slice(0, 2).toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((r) => r.base).find(isLang) ?? 'en';
}

/**
 * Usernames as FreeRADIUS keys its caches (`%{tolower:%{User-Name}}`) and as the
 * triggers name them (`lower(username COLLATE "C")`): only ASCII letters change case.
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Names the control port's commands can carry (`evict <user>`: printable ASCII, no spaces). */
export const EVICTABLE_NAME = /^[\x21-\x7e]{1,64}$/;

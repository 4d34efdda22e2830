import { Decision, ReplyPlan } from '../policy';
import { answerTtl, AnswerTtlInput } from './answer-ttl';

const now = new Date('2026-11-22T10:00:00Z');
const plan: ReplyPlan = {
  framedIp: null,
  delegatedIpv6Prefix: null,
  framedIpv6Prefix: null,
  sessionTimeout: null,
  idleTimeout: null,
  interimInterval: 300,
  rate: null,
  remainingBytes: null,
};
const accept: Decision = { result: 'accept', restrictedBy: [], throttled: false, reply: plan, replaceSessionsOf: null };
const profile = (sessionTimeoutSeconds: number | null) =>
  ({ sessionTimeoutSeconds }) as unknown as NonNullable<AnswerTtlInput['account']>['profile'];
const base: AnswerTtlInput = {
  decision: accept,
  account: { quotaBytes: null, expiresAt: null, profile: null },
  username: 'alice',
  callingStationId: 'AA-BB-CC-DD-EE-FF',
  passwordOk: true,
  now,
  maxTtl: 600,
};
const inHours = (h: number) => new Date(now.getTime() + h * 3600_000);

describe('answerTtl', () => {
  it.each<[string, Partial<AnswerTtlInput>, number]>([
    ['a plain PAP accept', {}, 600],
    ['CHAP / MS-CHAP (FreeRADIUS checks the password)', { passwordOk: undefined }, 600],
    ['caching turned off', { maxTtl: 0 }, 0],
    ['a reject', { decision: { result: 'reject', reason: 'banned', message: 'x' } }, 0],
    ['a restricted accept', { decision: { ...accept, restrictedBy: ['expired'] } }, 0],
    ['a wrong PAP password', { passwordOk: false }, 0],
    ['an unknown account', { account: null }, 0],
    ['an account with a quota', { account: { quotaBytes: 1e9, expiresAt: null, profile: null } }, 0],
    ['a non-ASCII username', { username: 'jürgen' }, 0],
    ['no Calling-Station-Id', { callingStationId: null }, 0],
    ['expiry, but no profile session timeout', { account: { quotaBytes: null, expiresAt: inHours(48), profile: null } }, 0],
    ['expiry far beyond the profile timeout', { account: { quotaBytes: null, expiresAt: inHours(48), profile: profile(3600) } }, 600],
    [
      'expiry close: only until Session-Timeout would start to shrink',
      { account: { quotaBytes: null, expiresAt: new Date(now.getTime() + 3900_000), profile: profile(3600) } },
      299,
    ],
    ['expiry closer than the profile timeout', { account: { quotaBytes: null, expiresAt: inHours(0.5), profile: profile(3600) } }, 0],
    [
      'a plan with a data limit per period',
      {
        account: {
          quotaBytes: null,
          expiresAt: null,
          profile: null,
          plan: { dataBytes: 1e9, timeSeconds: null, usedBytes: 0, usedSeconds: 0, period: null },
        },
      },
      0,
    ],
    [
      'a plan with a time limit per period',
      {
        account: {
          quotaBytes: null,
          expiresAt: null,
          profile: null,
          plan: { dataBytes: null, timeSeconds: 3600, usedBytes: 0, usedSeconds: 0, period: null },
        },
      },
      0,
    ],
    [
      'a validity that starts at first login',
      { account: { quotaBytes: null, expiresAt: null, profile: null, pendingValiditySeconds: 3600 } },
      0,
    ],
    [
      'a plan without limits',
      {
        account: {
          quotaBytes: null,
          expiresAt: null,
          profile: null,
          plan: { dataBytes: null, timeSeconds: null, usedBytes: 0, usedSeconds: 0, period: null },
        },
      },
      600,
    ],
  ])('%s', (_name, patch, ttl) => {
    expect(answerTtl({ ...base, ...patch })).toBe(ttl);
  });
});

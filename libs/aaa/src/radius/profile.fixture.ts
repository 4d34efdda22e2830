import { PolicyAccount } from './policy';

/** A 10 Mbit/s down, 2 Mbit/s up speed profile without bursts, for the radius specs. */
export const profile10x2 = (over: Partial<NonNullable<PolicyAccount['profile']>> = {}): NonNullable<PolicyAccount['profile']> => ({
  downloadKbps: 10000,
  uploadKbps: 2000,
  burstDownloadKbps: null,
  burstUploadKbps: null,
  burstThresholdPercent: null,
  burstTimeSeconds: null,
  sessionTimeoutSeconds: null,
  idleTimeoutSeconds: null,
  ...over,
});

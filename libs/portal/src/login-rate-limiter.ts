import { Injectable } from '@nestjs/common';
import { TokenBucketLimiter } from '@app/aaa';

/** 10 portal logins per minute per client IP (an injectable so tests can reset it). */
@Injectable()
export class LoginRateLimiter extends TokenBucketLimiter {
  constructor() {
    super(10, 60_000);
  }
}

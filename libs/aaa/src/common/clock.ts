import { Injectable } from '@nestjs/common';

/** The only source of "now" in services, so tests can pin time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

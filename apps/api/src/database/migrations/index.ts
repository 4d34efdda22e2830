import { InitialSchema1763800000000 } from './1763800000000-initial-schema';

/** Listed explicitly (no globs) so the same list works from ts-jest and from dist/. */
export const MIGRATIONS = [InitialSchema1763800000000];

/**
 * Issue 12 (soak): what the store remembers per caller stays bounded. Failed logins were kept
 * for every login ever tried, so random Basic logins grew the mock's memory without end.
 */
import { expect, it } from 'vitest';
import { MAX_TRACKED_LOGINS } from './login-failures.ts';
import { Store } from './store.ts';

it('issue 12: failed logins are remembered for at most MAX_TRACKED_LOGINS logins, the stalest forgotten first', () => {
  const store = new Store();
  store.recordFailedLogin('victim', 0);
  for (let i = 0; i < MAX_TRACKED_LOGINS + 500; i++) {
    store.recordFailedLogin(`random-${i}`, 1);
    // The login under attack keeps failing: it stays among the most recent.
    if (i % 1000 === 0) store.recordFailedLogin('victim', 1);
  }
  expect(store.trackedLogins()).toBe(MAX_TRACKED_LOGINS);
  expect(store.failedLoginsSince('random-0', 0)).toBe(0);
  expect(store.failedLoginsSince(`random-${MAX_TRACKED_LOGINS + 499}`, 0)).toBe(1);
  expect(store.failedLoginsSince('victim', 0)).toBeGreaterThanOrEqual(11);
});

/** The options both test harnesses start a mock with (startTestMock, startInProcessMock). */
import { pmm2 } from '../profiles/pmm2.ts';
import type { MockOptions } from '../options.ts';

export const ADMIN_PASSWORD = 'admin-test-pw';

export const TEST_DEFAULTS = {
  profile: pmm2,
  adminPassword: ADMIN_PASSWORD,
  users: [
    { login: 'viewer', password: 'viewer-pw', orgRole: 'Viewer' },
    { login: 'editor', password: 'editor-pw', orgRole: 'Editor' },
    { login: 'orgadmin', password: 'orgadmin-pw', orgRole: 'Admin' },
  ],
  seedKeys: [
    { name: 'seed-viewer', role: 'Viewer' },
    { name: 'seed-editor', role: 'Editor' },
    { name: 'seed-admin', role: 'Admin' },
  ],
  keyMaxSecondsToLive: -1,
  // Unexpected errors are not printed (a test that provokes one checks the answer).
  log: () => {},
} as const satisfies Partial<MockOptions>;

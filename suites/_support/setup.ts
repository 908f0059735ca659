/** Per test file: delete the keys, service accounts and users this file created (the run's teardown catches anything left). */
import { afterAll, beforeEach, inject } from 'vitest';
import { closeAgents } from './http.ts';
import { deleteMine } from './keys.ts';
import { redactFailure } from './redact.ts';
import { deleteMyAccounts } from './service-accounts.ts';
import { deleteMyUsers } from './users.ts';

// Issue 12: whatever a test throws, its reported errors (message, stack, diff) show no key of this
// run whole; kase() redacts before vitest sees the error, this catches the rest.
beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    for (const e of ctx.task.result?.errors ?? []) redactFailure(e);
  });
});

afterAll(async () => {
  const t = inject('target');
  if (!t.readOnly) {
    await deleteMine(t);
    await deleteMyAccounts(t);
    await deleteMyUsers(t);
  }
  closeAgents();
});

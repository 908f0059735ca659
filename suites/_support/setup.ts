/** Per test file: delete the keys and service accounts this file created (the run's teardown catches anything left). */
import { afterAll, inject } from 'vitest';
import { closeAgents } from './http.ts';
import { deleteMine } from './keys.ts';
import { deleteMyAccounts } from './service-accounts.ts';

afterAll(async () => {
  const t = inject('target');
  if (!t.readOnly) {
    await deleteMine(t);
    await deleteMyAccounts(t);
  }
  closeAgents();
});

/** Per test file: delete the keys this file created (the run's teardown catches anything left). */
import { afterAll, inject } from 'vitest';
import { closeAgents } from './http.ts';
import { deleteMine } from './keys.ts';

afterAll(async () => {
  const t = inject('target');
  if (!t.readOnly) await deleteMine(t);
  closeAgents();
});

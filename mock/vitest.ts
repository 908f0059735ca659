/**
 * The vitest helper (`pmm-auth-conformance/vitest`, issue 15): one mock per test file, started in
 * `beforeAll` and closed in `afterAll`.
 *
 *   import { usePmmMock } from 'pmm-auth-conformance/vitest';
 *   const pmm = usePmmMock({ seedKeys: ['demo:Admin'] });
 *   it('reads the version', async () => { const { url, keys, ca } = pmm(); … });
 */
import { afterAll, beforeAll } from 'vitest';
import { startPmmMock, type PmmMock, type PmmMockOptions } from './api.ts';

export function usePmmMock(options: PmmMockOptions = {}): () => PmmMock {
  let mock: PmmMock | undefined;
  beforeAll(async () => {
    mock = await startPmmMock(options);
  });
  afterAll(async () => {
    await mock?.close();
  });
  return () => {
    if (!mock) throw new Error('usePmmMock: the mock starts in beforeAll; call the getter inside a test or a hook');
    return mock;
  };
}

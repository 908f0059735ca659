/** `npm run soak`'s verdicts (scripts/soak/stats.ts): percentiles and "RSS levelled off". */
import { describe, expect, it } from 'vitest';
import { percentile, plateau } from './stats.ts';

describe('soak stats (issue 12)', () => {
  it('percentile is nearest-rank', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });

  it.each([
    { samples: [100, 200, 300, 310, 320, 315], levelled: true },
    { samples: [100, 150, 200, 250, 300, 350], levelled: false },
    { samples: [100, 400, 380, 300, 290, 300], levelled: true },
    { samples: [100, 110], levelled: false },
  ])(
    'RSS $samples: levelled off = $levelled (last third at most 10 % above the peak before it)',
    ({ samples, levelled }) => {
      expect(plateau(samples, 10).levelled).toBe(levelled);
    },
  );
});

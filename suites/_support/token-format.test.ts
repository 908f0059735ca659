/** The suite's glsa_ checksum against Grafana's public test vector (grafana-auth §2.2). */
import { describe, expect, it } from 'vitest';
import { corruptChecksum, GLSA, glsaChecksum } from './token-format.ts';

const VECTOR = 'glsa_yscW25imSKJIuav8zF37RZmnbiDvB05G_fcaaf58a';

describe('token-format', () => {
  it('grafana-auth §2.2: the public test vector has the shape and the little-endian CRC-32 checksum', () => {
    const m = GLSA.exec(VECTOR);
    expect(m).not.toBeNull();
    expect(glsaChecksum(m![1]!)).toBe(m![2]);
    expect(VECTOR).toHaveLength(46);
  });

  it('a corrupted checksum keeps the shape and no longer matches', () => {
    const bad = corruptChecksum(VECTOR);
    const m = GLSA.exec(bad);
    expect(m).not.toBeNull();
    expect(glsaChecksum(m![1]!)).not.toBe(m![2]);
  });
});

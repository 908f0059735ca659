/** The profiles the mock knows, by name. */
import { pmm2 } from './pmm2.ts';
import type { Profile } from './types.ts';

export const PROFILES: Readonly<Record<string, Profile>> = { pmm2 };

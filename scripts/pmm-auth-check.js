#!/usr/bin/env node
// Launcher for the `pmm-auth-check` bin: runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./pmm-auth-check.ts');

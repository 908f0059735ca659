#!/usr/bin/env node
// Launcher for the `pmm-auth-mock` bin: runs the TypeScript entry point through tsx, so that
// `npm ci` is all a user needs (no build step to remember).
import { register } from 'tsx/esm/api';

register();
await import('./pmm-auth-mock.ts');

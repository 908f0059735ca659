#!/usr/bin/env node
// Launcher for the `pmm-auth-suite` bin (`npm run test:server`): the bundle built by
// scripts/build.js when it is fresh, else the TypeScript entry point through tsx (scripts/lib/launch.js).
import { launch } from './lib/launch.js';

await launch('pmm-auth-suite');

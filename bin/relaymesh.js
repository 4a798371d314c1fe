#!/usr/bin/env node
// The `relaymesh` bin: a committed, executable file (mode 755 in git), so a
// rebuild of dist/ never takes the executable bit away from `npx relaymesh`.
import '../dist/client/cli/index.js'

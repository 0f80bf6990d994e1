#!/usr/bin/env node
// `npm run package`: the VSIX, through `@vscode/vsce package --no-dependencies` (the bundle needs no
// node_modules). The README's relative links and images (docs/..., media/screenshots/...) are not in
// the VSIX, so they are rewritten to the repository named in package.json; vsce does that by itself
// only for GitHub and GitLab. Extra arguments go to vsce (e.g. --out DIR/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const repo = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/\.git$/, '').replace(/\/+$/, '');
if (!/^https:\/\//.test(repo)) {
  console.error('package.json needs "repository": { "url": "https://..." } so that the README\'s links work on the Marketplace');
  process.exit(2);
}
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const args = ['package', '--no-dependencies', '--baseContentUrl', `${repo}/blob/HEAD`, '--baseImagesUrl', `${repo}/raw/HEAD`, ...process.argv.slice(2)];
const r = spawnSync(vsce, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);

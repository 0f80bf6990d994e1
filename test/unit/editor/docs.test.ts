import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPORT_VIEW_TYPE, TEST_CONTROLLER_ID } from '../../../src/editor/ids';
import { repoPath } from '../../support/paths';

interface Manifest {
  activationEvents: string[];
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string; restrictedConfigurations?: string[] } };
  contributes: {
    commands?: { command: string }[];
    configuration: { properties: Record<string, { scope?: string }> }[];
    menus?: Record<string, { command: string; when?: string }[]>;
    colors?: { id: string }[];
  };
  scripts: Record<string, string>;
}

describe('docs/editor.md and the manifest', () => {
  const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as Manifest;
  const doc = fs.readFileSync(repoPath('docs', 'editor.md'), 'utf8');

  it('documents every contributed command, setting and colour', () => {
    const ids = [
      ...(pkg.contributes.commands ?? []).map((c) => c.command),
      ...pkg.contributes.configuration.flatMap((c) => Object.keys(c.properties)),
      ...(pkg.contributes.colors ?? []).map((c) => c.id),
    ];
    assert.ok(ids.length > 0);
    const missing = ids.filter((id) => !doc.includes(`\`${id}\``));
    assert.deepEqual(missing, [], `docs/editor.md does not mention ${missing.join(', ')}`);
  });

  it('links only images that exist', () => {
    const links = [...doc.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0);
    for (const l of links) assert.ok(fs.existsSync(path.join(repoPath('docs'), l)), `${l} is missing`);
  });

  it('declares limited support of untrusted workspaces, and restricts every setting that names an endpoint', () => {
    const u = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    assert.ok(u?.description && /model/.test(u.description));
    const props = Object.assign({}, ...pkg.contributes.configuration.map((c) => c.properties)) as Record<string, unknown>;
    for (const r of u?.restrictedConfigurations ?? []) assert.ok(r in props, `${r} is restricted but not a setting`);
    assert.ok(u?.restrictedConfigurations?.includes('dilemmaLens.providers'));
  });

  it('wires the report panel and the Testing view to their ids', () => {
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${REPORT_VIEW_TYPE}`), 'the report cannot be restored after a restart without its activation event');
    assert.ok(pkg.contributes.menus?.['testing/item/context']?.some((m) => m.command === 'dilemmaLens.openReport' && m.when?.includes(TEST_CONTROLLER_ID)));
    assert.match(fs.readFileSync(repoPath(pkg.scripts.package?.replace(/^node /, '') ?? 'missing'), 'utf8'), /'package', '--no-dependencies'/);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { COLORS, COMMANDS, DEFAULT_RUN_CONCURRENCY, OPEN_REPORT_COMMAND, RUN_SETTINGS, RUNS_COMMANDS, RUNS_VIEW_ID } from '../../../src/editor/ids';
import { repoPath } from '../../support/paths';

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    views: Record<string, { id: string; name: string }[]>;
    menus: Record<string, { command: string; when?: string }[]>;
    colors: { id: string; defaults: Record<string, string> }[];
    configuration: { properties: Record<string, { default?: unknown; scope?: string }> }[];
  };
}

describe('run contributions match src/editor/ids.ts', () => {
  const c = (JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as Manifest).contributes;
  const props = Object.assign({}, ...c.configuration.map((x) => x.properties)) as Manifest['contributes']['configuration'][number]['properties'];

  it('contributes every run command', () => {
    const ids = c.commands.map((x) => x.command);
    for (const id of Object.values(COMMANDS)) assert.ok(ids.includes(id), `${id} is not in contributes.commands`);
    assert.ok(ids.includes(OPEN_REPORT_COMMAND));
  });

  it('contributes the Dilemma Runs view in the Testing container, each of its commands with a title, and its item actions in view/item/context', () => {
    assert.deepEqual(c.views.test?.map((v) => [v.id, v.name]), [[RUNS_VIEW_ID, 'Dilemma Runs']]);
    for (const id of Object.values(RUNS_COMMANDS)) assert.ok(c.commands.find((x) => x.command === id)?.title, `${id} has no title in contributes.commands`);
    const item = c.menus['view/item/context']!.filter((m) => m.when?.includes(`view == ${RUNS_VIEW_ID}`)).map((m) => m.command);
    for (const id of [RUNS_COMMANDS.showOnLines, RUNS_COMMANDS.openReport, RUNS_COMMANDS.delete, RUNS_COMMANDS.setBaseline]) assert.ok(item.includes(id), `${id} is not an item action`);
  });

  it('contributes every decoration colour with light, dark and high-contrast defaults', () => {
    for (const id of Object.values(COLORS)) {
      const col = c.colors.find((x) => x.id === id);
      assert.ok(col, `${id} is not in contributes.colors`);
      assert.deepEqual(Object.keys(col.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light']);
    }
  });

  it('declares the providers setting application-scoped (a workspace cannot redirect keys), and the run settings with the defaults the code assumes', () => {
    assert.equal(props[RUN_SETTINGS.providers]?.scope, 'application');
    assert.equal(props[RUN_SETTINGS.concurrency]?.default, DEFAULT_RUN_CONCURRENCY);
  });
});

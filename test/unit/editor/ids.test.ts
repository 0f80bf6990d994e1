import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DEFAULT_DEBOUNCE_MS, FILE_PATTERNS, GRAMMAR_SCOPE, LANGUAGE_ID, SCHEMA_PATH, SETTINGS } from '../../../src/editor/ids';
import { repoPath } from '../../support/paths';

interface Manifest {
  activationEvents: string[];
  contributes: {
    languages: { id: string; filenamePatterns: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
    configuration: { properties: Record<string, { default: unknown }> }[];
  };
}

describe('editor ids match package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as Manifest;
  const c = pkg.contributes;

  it('contributes the language, its file patterns, configuration file and grammar', () => {
    const lang = c.languages.find((l) => l.id === LANGUAGE_ID);
    assert.ok(lang);
    assert.deepEqual(lang.filenamePatterns, [...FILE_PATTERNS]);
    assert.ok(fs.existsSync(repoPath(lang.configuration)));
    const grammar = c.grammars.find((g) => g.language === LANGUAGE_ID);
    assert.equal(grammar?.scopeName, GRAMMAR_SCOPE);
    const tm = JSON.parse(fs.readFileSync(repoPath(grammar!.path), 'utf8')) as { scopeName: string };
    assert.equal(tm.scopeName, GRAMMAR_SCOPE);
    assert.ok(pkg.activationEvents.includes(`onLanguage:${LANGUAGE_ID}`));
  });

  it('points yamlValidation at the schema file for the same patterns', () => {
    const v = c.yamlValidation.find((y) => y.url === SCHEMA_PATH);
    assert.ok(v);
    assert.deepEqual(v.fileMatch, [...FILE_PATTERNS]);
    assert.ok(fs.existsSync(repoPath(SCHEMA_PATH)));
  });

  it('declares every setting the editor reads, with the defaults the code assumes', () => {
    const props = Object.assign({}, ...c.configuration.map((x) => x.properties)) as Record<string, { default: unknown }>;
    for (const id of Object.values(SETTINGS)) assert.ok(props[id], `${id} is not in contributes.configuration`);
    assert.equal(props[SETTINGS.validationDebounceMs]?.default, DEFAULT_DEBOUNCE_MS);
    for (const id of Object.keys(props).filter((k) => k.startsWith('dilemmaLens.validation.'))) {
      assert.ok((Object.values(SETTINGS) as string[]).includes(id), `${id} is declared but unknown to src/editor/ids.ts`);
    }
  });
});

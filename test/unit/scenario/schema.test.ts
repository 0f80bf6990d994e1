import * as assert from 'node:assert/strict';
import { childKeys, fieldDoc } from '../../../src/core/scenario/schema';
import { ASSERT_METRICS } from '../../../src/core/scenario/model';

const keys = (path: (string | number)[]) => childKeys(path).map((k) => k.key);

describe('scenario schema', () => {
  it('lists the top-level keys with the required ones marked', () => {
    const top = childKeys([]);
    assert.deepEqual(top.map((k) => k.key), ['dilemma', 'title', 'description', 'vars', 'persona', 'personas', 'values', 'action', 'arbitration', 'variants', 'run', 'assert', 'perturb', 'principle']);
    assert.deepEqual(top.filter((k) => k.required).map((k) => k.key), ['dilemma', 'values', 'action']);
    for (const k of top) assert.ok(k.description.length > 10, `${k.key} has no description`);
  });

  it('resolves keys through value names, list indexes and references', () => {
    assert.deepEqual(keys(['values', 'privacy']), ['label', 'scale', 'items']);
    assert.deepEqual(keys(['values', 'privacy', 'scale']), ['min', 'max', 'low', 'high']);
    assert.deepEqual(keys(['values', 'privacy', 'items', 0]), ['id', 'text', 'reverse']);
    assert.deepEqual(keys(['action']), ['prompt', 'choices', 'scale', 'items', 'expect']);
    assert.deepEqual(keys(['action', 'items', 1]), ['id', 'text']);
    assert.deepEqual(keys(['arbitration', 2]), ['when', 'require', 'rank', 'because']);
    assert.deepEqual(keys(['variants', 0]), ['name', 'vars', 'persona', 'action', 'values']);
    assert.deepEqual(keys(['variants', 0, 'action']), ['prompt', 'choices']);
    assert.deepEqual(keys(['variants', 3, 'values', 'privacy']), ['items']);
    assert.deepEqual(keys(['run']), ['samples', 'temperature', 'seed', 'max-tokens', 'session', 'order', 'shuffle-items', 'models', 'guard']);
    assert.deepEqual(keys(['run', 'samples']), ['min', 'max', 'until']);
    assert.deepEqual(keys(['assert', 'vaar']), ['min', 'max', 'form']);
    assert.deepEqual(keys(['assert', 'divergence']), ['min', 'max']);
    assert.deepEqual(keys(['perturb']), ['seed', 'choice-order', 'forms', 'paraphrase', 'translate', 'pressure', 'pushback', 'templates']);
    assert.deepEqual(keys(['perturb', 'templates']), ['forms', 'pressure', 'pushback']);
    assert.deepEqual(keys(['perturb', 'templates', 'pressure']), ['authority', 'urgency', 'social-proof', 'sycophancy']);
    assert.deepEqual(keys(['principle']), ['prompt']);
  });

  it('names exactly the metrics the model accepts under assert', () => {
    assert.deepEqual(keys(['assert']), [...ASSERT_METRICS]);
  });

  it('writes every multi-word key in kebab-case', () => {
    const paths: (string | number)[][] = [[], ['run'], ['action'], ['values', 'x'], ['values', 'x', 'scale'], ['values', 'x', 'items', 0], ['arbitration', 0], ['variants', 0], ['variants', 0, 'action'], ['assert'], ['perturb'], ['perturb', 'templates', 'pressure'], ['run', 'samples']];
    for (const p of paths) for (const k of keys(p)) assert.match(k, /^[a-z]+(-[a-z]+)*$/, `${p.join('.')}.${k}`);
  });

  it('has nothing to list for free-form maps, scalars and unknown paths', () => {
    assert.deepEqual(childKeys(['vars']), []);
    assert.deepEqual(childKeys(['dilemma']), []);
    assert.deepEqual(childKeys(['nope', 'deeper']), []);
  });

  it('documents fields with type, enum and default', () => {
    assert.deepEqual(fieldDoc(['run', 'session']), {
      description: fieldDoc(['run', 'session'])!.description,
      type: 'string',
      enum: ['history', 'stateless'],
      default: 'history',
    });
    assert.match(fieldDoc(['run', 'session'])!.description, /stateless/);
    assert.equal(fieldDoc(['run', 'samples'])!.default, 5);
    assert.equal(fieldDoc(['values', 'privacy', 'items', 1, 'reverse'])!.type, 'boolean');
    assert.match(fieldDoc(['action', 'scale'])!.description, /scale answer instead of choices/);
    assert.equal(fieldDoc(['values', 'privacy', 'scale', 'min'])!.type, 'integer');
    assert.equal(fieldDoc(['nope']), undefined);
    assert.equal(fieldDoc(['run', 'samples'])!.type, 'integer | object');
    assert.equal(fieldDoc(['run', 'guard'])!.default, false);
    assert.deepEqual(fieldDoc(['assert', 'vaar', 'form'])!.enum, ['confidence', 'sign', 'strict']);
    assert.equal(fieldDoc(['assert', 'vaar', 'form'])!.default, 'confidence');
  });
});

import * as assert from 'node:assert/strict';
import { pickerItems } from '../../../src/core/view/modelPickerItems';
import { modelListingDecision, savedResultsDecision } from '../../../src/core/view/repositoryResults';

describe('Restricted Mode: results shipped in a repository, and model listing', () => {
  it('shows saved results in a trusted workspace as its own', () => {
    assert.deepEqual(savedResultsDecision({ trusted: true, optedIn: false }), { show: true, fromRepository: false });
    assert.deepEqual(savedResultsDecision({ trusted: true, optedIn: true }), { show: true, fromRepository: false });
  });

  it('withholds them in an untrusted workspace and offers them, until the person opts in; then labels them', () => {
    assert.deepEqual(savedResultsDecision({ trusted: false, optedIn: false }), { show: false, offer: true });
    assert.deepEqual(savedResultsDecision({ trusted: false, optedIn: true }), { show: true, fromRepository: true });
  });

  it('lists a provider\'s models only when trusted; untrusted, the picker says why instead', () => {
    assert.deepEqual(modelListingDecision(true, { id: 'hosted' }), { list: true });
    const d = modelListingDecision(false, { id: 'hosted' });
    assert.equal(d.list, false);
    const reason = d.list ? '' : d.reason;
    assert.match(reason, /untrusted workspace/);
    assert.match(reason, /API key/);
    const items = pickerItems([{ id: 'hosted', baseUrl: 'https://api.example/v1', apiKeyRequired: true }], new Map([['hosted', new Error(reason)]]), [], []);
    assert.ok(items.some((i) => i.detail === reason && !i.id), JSON.stringify(items));
    assert.ok(!items.some((i) => i.id), 'no model to pick from an unlisted provider');
  });
});

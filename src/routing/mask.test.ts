import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepSecrets, maskConfig } from './mask.ts';

test('secrets are masked at any depth, including a password in a URL', () => {
  const config = { url: 'https://ops:hunter2@crm.example.gov.uk/hook', secret: 'shared-secret-value', smtp: { host: 'mail', pass: 'p4ss' }, timeoutMs: 500 };
  assert.deepEqual(maskConfig(config), { url: 'https://ops:********@crm.example.gov.uk/hook', secret: '********', smtp: { host: 'mail', pass: '********' }, timeoutMs: 500 });
});

test('a masked secret given back keeps the stored one; a new value replaces it', () => {
  const stored = { url: 'https://ops:hunter2@crm.example.gov.uk/hook', secret: 'shared-secret-value', smtp: { pass: 'p4ss' } };
  assert.deepEqual(keepSecrets(maskConfig(stored), stored), stored);
  assert.deepEqual(keepSecrets({ url: 'https://ops:********@crm2.example.gov.uk/hook', secret: 'a-new-secret-value', smtp: { pass: '********' } }, stored), {
    url: 'https://ops:hunter2@crm2.example.gov.uk/hook',
    secret: 'a-new-secret-value',
    smtp: { pass: 'p4ss' },
  });
  // Nothing stored: the mask is taken as given (and the adapter's schema judges it).
  assert.deepEqual(keepSecrets({ secret: '********' }, undefined), { secret: '********' });
});

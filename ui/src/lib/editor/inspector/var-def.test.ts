import type { ThreadVarDef } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { checkDefault, withDefaultText, withFlag, withType } from './var-def.ts';

const amount: ThreadVarDef = { name: 'amount', type: 'INT', required: true };

describe('withDefaultText', () => {
  it('sets a default of the type', () => {
    expect(withDefaultText(amount, '5')).toEqual({ ok: true, value: { name: 'amount', type: 'INT', required: true, defaultValue: 5 } });
  });

  it('leaves the default out for empty text', () => {
    expect(withDefaultText({ ...amount, defaultValue: 5 }, ' ')).toEqual({ ok: true, value: amount });
  });

  it('refuses text that is not JSON or not of the type', () => {
    expect(withDefaultText(amount, '"5"')).toEqual({ ok: false, message: 'An INT cannot hold "5" (STR).' });
    expect(withDefaultText(amount, '{').ok).toBe(false);
  });
});

describe('withFlag', () => {
  it('writes true, and leaves the flag out when turned off', () => {
    expect(withFlag(amount, 'searchable', true)).toEqual({ ...amount, searchable: true });
    expect(withFlag(amount, 'required', false)).toEqual({ name: 'amount', type: 'INT' });
  });
});

describe('checkDefault', () => {
  it('says when a kept default no longer fits a new type', () => {
    const def = withType({ ...amount, defaultValue: 5 }, 'STR');
    expect(checkDefault(def)).toBe('The default 5 (INT) does not fit a STR.');
    expect(checkDefault({ ...amount, defaultValue: 5 })).toBeUndefined();
  });
});

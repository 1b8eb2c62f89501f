import type { UserTaskFieldInfo } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { fieldText, fieldValue, resultsOf } from './field-values.ts';

const field = (name: string, type: UserTaskFieldInfo['type'], required = false): UserTaskFieldInfo => ({
  name,
  type,
  required,
  displayName: null,
  description: null,
});
const fields = [field('approved', 'BOOL', true), field('amount', 'DOUBLE', true), field('note', 'STR'), field('count', 'INT')];

describe('resultsOf', () => {
  it('sends blank required fields as null on completion, so the server names them, and leaves out blank optional ones', () => {
    expect(resultsOf(fields, { approved: 'true', amount: ' ', note: '', count: '3' })).toEqual({ approved: true, amount: null, count: 3 });
  });

  it('leaves every blank field out of saved progress', () => {
    expect(resultsOf(fields, { approved: '', amount: '12.5', note: 'half done' }, { partial: true })).toEqual({ amount: 12.5, note: 'half done' });
  });

  it('names the field whose text is not of its type', () => {
    expect(() => resultsOf(fields, { count: 'three' }, { partial: true })).toThrow('count is not an INT: three');
  });
});

describe('fieldText', () => {
  it('shows a saved value as its input takes it back', () => {
    for (const [f, value] of [
      [field('note', 'STR'), 'a "quoted" 42'],
      [field('count', 'INT'), 42],
      [field('amount', 'DOUBLE'), 12.5],
      [field('approved', 'BOOL'), false],
    ] as const) {
      expect(fieldValue(f, fieldText(value))).toEqual(value);
    }
  });

  it('takes the text types as typed and reads the others as JSON', () => {
    expect(resultsOf([field('id', 'WF_RUN_ID'), field('blob', 'BYTES'), field('order', 'JSON_OBJ'), field('at', 'TIMESTAMP')], {
      id: 'run-1',
      blob: 'aGk=',
      order: '{"lines": [1, 2]}',
      at: '1700000000000',
    })).toEqual({ id: 'run-1', blob: 'aGk=', order: { lines: [1, 2] }, at: 1_700_000_000_000 });
  });

  it('does not repeat the text of a masked field in its error', () => {
    expect(() => fieldValue({ name: 'pin', type: 'INT', masked: true }, '12ab')).toThrow(/^pin is not an INT \(masked, so not shown here\)$/);
  });

  it('shows null as an empty field', () => {
    expect(fieldText(null)).toBe('');
  });
});

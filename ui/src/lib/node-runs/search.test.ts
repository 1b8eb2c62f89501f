import { describe, expect, it } from 'vitest';
import { describeSearch, searchOf, variablesOf } from './search.ts';

const now = Date.parse('2026-12-01T12:00:00Z');

describe('searchOf', () => {
  it('looks for ERROR NodeRuns of any time and node when the URL says nothing', () => {
    expect(searchOf(new URLSearchParams())).toEqual({ status: 'ERROR', since: '', until: '', externalEventDefName: '' });
  });

  it('falls back to the defaults for a status or an age it does not know', () => {
    expect(searchOf(new URLSearchParams('status=BROKEN&since=3w&until=1h&externalEventDefName=%20go%20'))).toEqual({
      status: 'ERROR',
      since: '',
      until: '1h',
      externalEventDefName: 'go',
    });
  });
});

describe('searchOf, with both bounds', () => {
  it('takes bounds picked the wrong way round for the range between them, and equal ones for "since" alone', () => {
    expect(searchOf(new URLSearchParams('since=15m&until=1h'))).toMatchObject({ since: '1h', until: '15m' });
    expect(searchOf(new URLSearchParams('since=1h&until=1h'))).toMatchObject({ since: '1h', until: '' });
    expect(searchOf(new URLSearchParams('since=7d&until=24h'))).toMatchObject({ since: '7d', until: '24h' });
  });
});

describe('variablesOf', () => {
  it('turns the ages into instants before now and leaves out what is not searched by', () => {
    expect(variablesOf(searchOf(new URLSearchParams('status=RUNNING&since=24h&until=15m&externalEventDefName=go')), now)).toEqual({
      status: 'RUNNING',
      arrivedAfter: '2026-11-30T12:00:00.000Z',
      arrivedBefore: '2026-12-01T11:45:00.000Z',
      externalEventDefName: 'go',
    });
    expect(variablesOf(searchOf(new URLSearchParams('status=HALTED')), now)).toEqual({ status: 'HALTED' });
  });
});

describe('describeSearch', () => {
  it('says what was searched: the status, the ExternalEventDef waited for and the arrival bounds', () => {
    const words = (query: string) => describeSearch(searchOf(new URLSearchParams(query)));
    expect(words('')).toBe('NodeRuns in status Error');
    expect(words('status=RUNNING&externalEventDefName=go&since=1h')).toBe('NodeRuns in status Running waiting for go that arrived in the last 1 h');
    expect(words('status=COMPLETED&externalEventDefName=go&until=15m')).toBe('NodeRuns in status Completed of ExternalEventDef go that arrived more than 15 min ago');
    expect(words('since=7d&until=1h')).toBe('NodeRuns in status Error that arrived between 7 d and 1 h ago');
  });
});

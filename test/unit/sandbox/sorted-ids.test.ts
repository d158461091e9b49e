/** The sorted id lists both sandbox servers page over, when seeding inserts ids out of order. */
import { describe, expect, it } from 'vitest';
import { SortedIds } from '../../sandbox/core/sorted-ids.ts';

describe('SortedIds', () => {
  it('answers has, remove and size for out-of-order ids before and after they are merged', () => {
    const ids = new SortedIds();
    for (const id of ['10', '30', '20', '5', '30', '20', '100']) ids.insert(id);
    expect(ids.size).toBe(5);
    expect(ids.has('20')).toBe(true);
    expect(ids.has('25')).toBe(false);
    expect(ids.remove('5')).toBe(true);
    expect(ids.remove('5')).toBe(false);
    expect(ids.all()).toEqual(['100', '30', '20', '10']);
    ids.insert('15');
    expect(ids.remove('30')).toBe(true);
    expect(ids.page({ limit: 2 })).toEqual(['100', '20']);
    expect(ids.page({ limit: 10, maxId: '20' })).toEqual(['15', '10']);
    expect(ids.page({ limit: 2, minId: '10' })).toEqual(['20', '15']);
    expect(ids.size).toBe(4);
  });
});

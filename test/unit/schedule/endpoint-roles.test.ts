import { describe, expect, it } from 'vitest';
import { endpointRoles } from '../../../src/schedule/endpoint-roles.js';
import { parseScheduleFile } from '../../../src/schedule/schedule-file.js';
import { readRepoFile } from '../../support/schedule-test-data.js';

const endpoints = { desk: ['desk'], fallback: ['leader'], bureau: ['bureau'] };
const hiredStaff = parseScheduleFile(readRepoFile('test/fixtures/schedule/regular-and-hired-staff.yaml'), 'regular-and-hired-staff.yaml');

describe('endpointRoles', () => {
  it('uses the config alone when there is no schedule', () => {
    const { roleOf, conflicts } = endpointRoles(endpoints, undefined);
    expect(['desk', 'leader', 'bureau', 'citizen'].map(roleOf)).toEqual(['desk', 'fallback', 'bureau', 'other']);
    expect(conflicts).toEqual([]);
  });

  it("adds the schedule's destinations: a hired-staff desk is a desk without editing the config", () => {
    const { roleOf, conflicts } = endpointRoles(endpoints, hiredStaff);
    expect(roleOf('hired-desk')).toBe('desk');
    expect(roleOf('leader')).toBe('fallback');
    expect(conflicts).toEqual([]);
  });

  it('lets the schedule win when the two disagree, and reports it', () => {
    const { roleOf, conflicts } = endpointRoles({ ...endpoints, fallback: ['leader', 'hired-desk'] }, hiredStaff);
    expect(roleOf('hired-desk')).toBe('desk');
    expect(conflicts).toEqual([{ endpoint: 'hired-desk', config: 'fallback', schedule: 'desk' }]);
  });
});

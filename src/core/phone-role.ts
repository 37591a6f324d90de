/**
 * What an office phone is for, one type for the schedule's destinations and the PBX's dialled legs:
 * desk: the duty desk phone (its rings are counted); fallback: the leader on duty 带班领导;
 * bureau: the confidential bureau line 机要局; other: a phone the office configuration does not name.
 */
export const PHONE_ROLES = ['desk', 'fallback', 'bureau', 'other'] as const;
export type PhoneRole = (typeof PHONE_ROLES)[number];

/** The roles a schedule can route the duty line to. */
export type DestinationRole = Exclude<PhoneRole, 'other'>;

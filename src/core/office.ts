/** Every row and fact carries the office it belongs to; a single-office install is the office "default". */
export type OfficeId = string;

export const DEFAULT_OFFICE_ID: OfficeId = 'default';

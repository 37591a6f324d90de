/** The reader of the event log an office's Asterisk writes, as its config names it (cel.file or cel.table). */
import type { PhoneRole } from '../../core/phone-role.js';
import type { CelLogConfig } from '../../platform/config/offices.js';
import type { PbxCallLog } from '../pbx-port.js';
import { CelFileLog } from './cel-file-log.js';
import { CelTableLog } from './cel-table-log.js';

export function openCelLog(cel: CelLogConfig, roleOf: (endpoint: string) => PhoneRole, onError?: (err: Error) => void): PbxCallLog {
  return 'file' in cel ? new CelFileLog(cel.file, roleOf) : new CelTableLog({ databaseUrl: cel.databaseUrl, table: cel.table, ...(onError && { onError }) }, roleOf);
}

export { AmiClient, type AmiClientEvents, type AmiClientOptions, type AmiClientState, type AmiClientStats } from './ami-client.js';
export type { AmiResponse } from './ami-connection.js';
export { AmiFrame, type AmiHeader } from './ami-frame.js';
export { encodeAction, type AmiActionFields, type AmiFieldValue } from './action-encoder.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export {
  AmiActionError,
  AmiAuthError,
  AmiDisconnectedError,
  AmiError,
  AmiNotConnectedError,
  AmiProtocolError,
  AmiTimeoutError,
  type AmiErrorCode,
  type AmiProtocolErrorKind,
} from './errors.js';
export { AmiFrameParser, DEFAULT_MAX_FRAME_BYTES, type AmiParserOutput } from './frame-parser.js';

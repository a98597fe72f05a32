/** TURN (RFC 8656) over UDP: a sans-IO client, a small sans-IO server, and the ChannelData codec. */
export { TurnClient } from './client.js';
export type {
  TurnClientCounter,
  TurnClientEvent,
  TurnClientInput,
  TurnClientOptions,
  TurnClientOutput,
  TurnClientState,
} from './client.js';
export { TurnServer } from './server.js';
export type { TurnServerCounter, TurnServerEvent, TurnServerOptions, TurnServerOutput } from './server.js';
export { decodeChannelData, encodeChannelData, isTurnChannelData, isValidChannel } from './channel-data.js';
export type { ChannelData } from './channel-data.js';
export { TURN_LAYER, TurnError } from './errors.js';
export type { TurnFailure } from './errors.js';
export { MAX_CHANNEL, MIN_CHANNEL } from './constants.js';

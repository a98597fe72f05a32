/**
 * `SANSRTC_DEBUG` turns on logging from the environment, in the style of the `debug`
 * package: `SANSRTC_DEBUG='sansrtc:*,-sansrtc:sctp' node app.js` writes every enabled
 * namespace's records to stderr. The Node driver applies it when its module loads.
 */

import { consoleSink, setLogNamespaces, setLogSink } from '../core/index.js';

/** Enables the namespaces in `patterns` with the console sink; false when empty. */
export function applyDebugEnv(patterns: string | undefined = process.env['SANSRTC_DEBUG']): boolean {
  if (!patterns) return false;
  setLogNamespaces(patterns);
  setLogSink(consoleSink);
  return true;
}

import * as vscode from 'vscode';
import type { Logger } from '../core/log';

/** The one "Phi Coder" log channel. */
export function createLogChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Phi Coder', { log: true });
}

/** Adapts the log channel to the core's Logger. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => channel.error(m, ...a),
  };
}

/**
 * The project rules inside VS Code: found in every workspace folder (and the user-level file in the extension's
 * global storage), re-read when one changes, and offered to every feature per file and feature, budgeted.
 * A rules file passes the workspace gate every file read into a prompt passes (src/core/trust: not excluded by
 * .gitignore, files.exclude, phiCoder.context.exclude or a secret-looking name; a local file whose real path is inside a
 * workspace folder), is text, and is read up to MAX_RULE_FILE_BYTES.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentGate } from '../workspaceGate';
import type { Logger } from '../../core/log';
import type { Settings } from '../../core/config';
import { isRulePath, MAX_RULE_FILE_BYTES, parseRuleFile, RULE_FILE_GLOB, RULE_PLACES, rulesFor, type RuleFeature, type RuleFile, type RuleTarget } from '../../core/rules/rules';
import { compactRules, EMPTY_RULES, promptRulesBudget, renderRules, type RenderedRules } from '../../core/rules/render';

export const USER_RULES_FILE = 'rules.md';
const RELOAD_DELAY_MS = 200;
const MAX_RULE_FILES = 100;

export interface RulesServiceDeps {
  extension: vscode.ExtensionContext;
  logger: Logger;
  settings(): Settings;
  gate: DocumentGate;
}

export class RulesService implements vscode.Disposable {
  private rules: RuleFile[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<void> | undefined;
  /** Reads started, so that a slower earlier read never replaces a later one's result. */
  private loads = 0;
  /** What fixedPlacesState() was when the rules in use were read. */
  private loadedPlacesState: string | undefined;
  private readonly compactCache = new Map<string, string>();
  /** Problems met while reading (skipped files), for "Show Rules". */
  readonly skipped: string[] = [];

  constructor(private readonly deps: RulesServiceDeps) {
    const reload = () => this.scheduleReload();
    for (const folder of vscode.workspace.workspaceFolders ?? []) this.watch(new vscode.RelativePattern(folder, RULE_FILE_GLOB), reload);
    this.watch(new vscode.RelativePattern(this.userRulesUri().with({ path: path.posix.dirname(this.userRulesUri().path) }), USER_RULES_FILE), reload);
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeWorkspaceFolders(reload),
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.toString() === this.userRulesUri().toString() && reload()),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('phiCoder.context.exclude')) && reload()),
      { dispose: () => clearTimeout(this.timer) },
    );
  }

  userRulesUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.extension.globalStorageUri, USER_RULES_FILE);
  }

  /**
   * Resolves once the rules are read and current. Every prompt waits on this. A file watcher can miss an event (a file
   * written into a folder created the same moment, a loaded machine): the rules' fixed places are stat'ed (a few calls
   * per folder) and the rules read again when they differ from what the last read saw.
   */
  async ready(): Promise<void> {
    this.loading ??= this.load();
    await this.loading;
    if ((await this.fixedPlacesState()) !== this.loadedPlacesState) {
      this.loading = this.load();
      await this.loading;
    }
  }

  /** Every rule read now (for "Show Rules"). */
  all(): readonly RuleFile[] {
    return this.rules;
  }

  /** Where a document sits for applyTo: its folder's name and its path inside the folder. */
  targetOf(uri: vscode.Uri | undefined): RuleTarget | undefined {
    if (!uri) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const rel = path.posix.relative(folder.uri.path, uri.path);
    return { folder: this.folderKey(folder), path: rel };
  }

  forFile(uri: vscode.Uri | undefined, feature: RuleFeature): RuleFile[] {
    return rulesFor(this.rules, this.targetOf(uri), feature);
  }

  /** The rules for a system prompt, within the budget a `window`-token model allows. */
  forPrompt(uri: vscode.Uri | undefined, feature: RuleFeature, window: number): RenderedRules {
    const rules = this.forFile(uri, feature);
    return rules.length ? renderRules(rules, promptRulesBudget(window)) : EMPTY_RULES;
  }

  /** The compact, stable rules text for completions in this file ('' when none). Cached until a rules file changes. */
  forCompletion(uri: vscode.Uri | undefined): string {
    const key = uri?.toString() ?? '';
    let text = this.compactCache.get(key);
    if (text === undefined) {
      text = compactRules(this.forFile(uri, 'completions'));
      if (this.compactCache.size > 200) this.compactCache.clear();
      this.compactCache.set(key, text);
    }
    return text;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private folderKey(folder: vscode.WorkspaceFolder): string {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? folder.name : '';
  }

  private watch(pattern: vscode.RelativePattern, reload: () => void): void {
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    this.disposables.push(w, w.onDidCreate(reload), w.onDidChange(reload), w.onDidDelete(reload));
  }

  private scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.loading = this.load();
    }, RELOAD_DELAY_MS);
  }

  /** Names, sizes and times of the files in the rules' fixed places of every local folder. */
  private async fixedPlacesState(): Promise<string> {
    const parts: string[] = [];
    const describe = async (file: string) => {
      const st = await fs.stat(file).catch(() => undefined);
      if (st) parts.push(`${file}:${st.size}:${st.mtimeMs}`);
    };
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const root = folder.uri.fsPath;
      for (const rel of RULE_PLACES.files) await describe(path.join(root, rel));
      for (const place of RULE_PLACES.folders) {
        const dir = path.join(root, place.path);
        const names = await fs.readdir(dir).catch(() => [] as string[]);
        for (const name of names.filter((n) => n.endsWith(place.suffix)).sort().slice(0, MAX_RULE_FILES)) await describe(path.join(dir, name));
      }
    }
    return parts.join('\n');
  }

  private async load(): Promise<void> {
    const generation = ++this.loads;
    const placesState = await this.fixedPlacesState();
    const found: RuleFile[] = [];
    const skipped: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, RULE_FILE_GLOB), '**/node_modules/**', MAX_RULE_FILES);
      for (const uri of uris) {
        const rel = path.posix.relative(folder.uri.path, uri.path);
        if (!isRulePath(rel)) continue;
        const verdict = this.deps.gate.check(uri, true);
        if (!verdict.ok) {
          skipped.push(`${rel}: ${verdict.reason}`);
          continue;
        }
        const text = await this.readText(verdict.realPath, rel, skipped);
        if (text !== undefined) found.push(parseRuleFile(rel, text, this.folderKey(folder)));
      }
    }
    try {
      const bytes = await vscode.workspace.fs.readFile(this.userRulesUri());
      found.push(parseRuleFile('user rules', new TextDecoder().decode(bytes.subarray(0, MAX_RULE_FILE_BYTES))));
    } catch {
      // no user rules file
    }
    if (generation !== this.loads) return; // a later read started: its result is the current one
    this.rules = found;
    this.loadedPlacesState = placesState;
    this.skipped.splice(0, this.skipped.length, ...skipped);
    this.compactCache.clear();
    this.deps.logger.info(`rules: ${found.length} file(s) read${found.length ? ` (${found.map((r) => (r.folder ? `${r.folder}/` : '') + r.path).join(', ')})` : ''}${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`);
    this.changed.fire();
  }

  /** The text of the file at `real` (a path the gate admitted), capped; undefined when it is not text. */
  private async readText(real: string, rel: string, skipped: string[]): Promise<string | undefined> {
    try {
      const handle = await fs.open(real, 'r');
      try {
        const buf = Buffer.alloc(MAX_RULE_FILE_BYTES);
        const { bytesRead } = await handle.read(buf, 0, MAX_RULE_FILE_BYTES, 0);
        const bytes = buf.subarray(0, bytesRead);
        if (bytes.includes(0)) {
          skipped.push(`${rel}: not text`);
          return undefined;
        }
        return new TextDecoder().decode(bytes);
      } finally {
        await handle.close();
      }
    } catch (err) {
      skipped.push(`${rel}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

}

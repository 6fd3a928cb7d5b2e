/**
 * Entry of the context engine (bundled to dist/engineWorker.js), run in a process of its own or in a worker thread
 * (engineLink.ts, enginePort.ts). It owns the workspace index (restored, built and saved here), copies of the open
 * documents, their parsed structure, recent activity and assemble(): the extension host's thread only forwards events
 * and requests (engineProtocol.ts, EngineClient).
 */
import type { Logger } from '../log';
import { setWasmDirectory } from './parser';
import { setQueryDirectory } from './queries';
import { RecentActivity, type OpenDocument } from './activity';
import { TreeSitterContextEngine } from './engine';
import { IndexKeeper } from './indexKeeper';
import { QUESTION_HITS, QuestionSearch, packQuestionHits } from './questionSearch';
import { DocumentMirror, linesAroundOffset, type MirroredDocument } from './documentMirror';
import type { EngineEvent, EngineReply, EngineWorkerData, HostMessage, HostRequest, ReplyResults, WirePackedContext } from './engineProtocol';
import { connectEngine, type EnginePort } from './enginePort';
import { remoteWindow } from '../completion/cursorWindow';
import { LocalTrees } from '../completion/localTrees';
import { isLoaded, loadLanguage, resolveLanguage, type Tree } from './parser';
import { lineCountsOf } from '../tokens';
import { FocusWarmUp } from './focusWarmUp';
import { runSyntaxTask } from '../syntax/tasks';

/** Delay between a document being opened or focused and preparing its windows (once per burst of events). */
const PREPARE_DELAY_MS = 300;
/** Changes of one event noted as recent edits (a multi-cursor edit can have hundreds). */
const MAX_EDITS_PER_EVENT = 4;
const EDIT_CONTEXT_LINES = 2;

/** Serve the host on `port`: restore the index, answer requests, build. */
function serveEngine(port: EnginePort, data: EngineWorkerData): void {
  if (data.wasmDir) setWasmDirectory(data.wasmDir);
  setQueryDirectory(data.queryDir);

  const emit = (e: EngineEvent) => port.post(e);
  const say = (level: Extract<EngineEvent, { kind: 'log' }>['level']) => (message: string | Error, ...args: unknown[]) =>
    emit({ kind: 'log', level, message: (message instanceof Error ? message.message : message) + (args.length ? ' ' + args.map(String).join(' ') : '') });
  const logger: Logger = { trace: say('trace'), debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error') };

  const keeper = new IndexKeeper({
    folders: data.folders,
    rules: data.rules,
    storageFile: data.storageFile,
    logger,
    workerScript: data.indexWorkerScript,
    workers: data.indexWorkers,
    // A saved file that is open here and already parsed at that text is re-indexed from the engine's own tree.
    openTree: (rel: string, text: string): Tree | undefined => {
      for (const d of mirror.withRelPath(rel)) {
        const tree: Tree | undefined = engine.documents.treeOf(d.path, text);
        if (tree) return tree;
      }
      return undefined;
    },
    onBuildStart: () => emit({ kind: 'buildStart' }),
    onProgress: (done, total) => emit({ kind: 'buildProgress', done, total }),
    onBuildEnd: (stats, ok) => {
      emit({ kind: 'buildEnd', stats, ok });
      engine.loadPackageManifests().catch((err) => logger.warn(`Package manifests: ${err instanceof Error ? err.message : String(err)}`));
      // @workspace questions: each indexed file's terms are extracted once a build ends, in slices, between requests.
      questions.warm().catch((err) => logger.warn(`Question index: ${err instanceof Error ? err.message : String(err)}`));
    },
  });
  const questions = new QuestionSearch(keeper.index);
  const activity = new RecentActivity();
  const engine = new TreeSitterContextEngine({ index: keeper.index, activity, logger });
  const mirror = new DocumentMirror();
  const running = new Map<number, AbortController>();
  const preparing = new Map<string, ReturnType<typeof setTimeout>>();
  /** The completion mode's tree of the lines around the cursor (kept between keystrokes, as on the host). */
  const windowTrees = new LocalTrees();

  /** The first completion's ranking in a focused document, done while the user reads (focusWarmUp.ts). */
  const warmUp = new FocusWarmUp(async (t, budgetTokens, signal) => {
    const d = mirror.get(t.path);
    if (!d || d.stale || d.version !== t.version) return;
    const doc = { path: d.path, relPath: d.relPath, languageId: d.languageId, version: d.version, text: d.text, offset: Math.min(t.offset, d.text.length), line: t.line };
    await engine.warmUp({ doc, budgetTokens, purpose: 'completion', signal });
  }, (message) => logger.debug(message));

  /** A mirrored document as recent activity sees it (reads the current copy). */
  function openDocument(d: MirroredDocument): OpenDocument {
    return {
      get relPath() {
        return d.relPath;
      },
      languageId: d.languageId,
      get version() {
        return d.version;
      },
      get text() {
        return d.text;
      },
    };
  }

  function noteDocument(d: MirroredDocument): void {
    if (!activity.noteDocument(openDocument(d))) return;
    clearTimeout(preparing.get(d.path));
    preparing.set(d.path, setTimeout(() => {
      preparing.delete(d.path);
      const now = mirror.get(d.path);
      if (now && !now.stale) engine.prepare(Object.assign(openDocument(now), { path: now.path }));
    }, PREPARE_DELAY_MS));
  }

  function notice(m: HostMessage): void {
    switch (m.kind) {
      case 'open':
        noteDocument(mirror.open(m.doc));
        return;
      case 'focus': {
        const d = mirror.get(m.path);
        if (!d) return;
        // The focused document is the one about to be edited: its parse outlives the others' (DocumentCache.markActive).
        engine.documents.markActive(d.path);
        noteDocument(d);
        if (m.cursor) warmUp.focus({ path: d.path, version: d.version, offset: m.cursor.offset, line: m.cursor.line });
        return;
      }
      case 'change': {
        warmUp.cancel();
        const d = mirror.change(m.path, m.version, m.changes, m.length);
        if (!d || d.stale) return;
        for (const c of m.changes.slice(0, MAX_EDITS_PER_EVENT)) {
          const span = c.endLine - c.startLine;
          const near = linesAroundOffset(d.text, Math.min(c.offset, d.text.length), c.startLine, span, EDIT_CONTEXT_LINES, EDIT_CONTEXT_LINES);
          activity.noteEditedLines(d.relPath, d.languageId, c.startLine, c.endLine, near.lineCount, (n) => near.lines[n - near.first] ?? '');
        }
        return;
      }
      case 'close': {
        const d = mirror.get(m.path);
        if (d) activity.closeDocument(d.relPath);
        if (d) engine.hints.forget(d.relPath);
        mirror.close(m.path);
        engine.documents.forget(m.path);
        return;
      }
      case 'rename':
        mirror.rename(m.fromRel, m.toRel);
        activity.renameDocument(m.fromRel, m.toRel);
        return;
      case 'fileChanged':
        keeper.changed(m.relPath);
        return;
      case 'fileDeleted':
        keeper.deleted(m.relPath);
        return;
      case 'rules':
        keeper.setRules(m.rules);
        return;
      case 'hints':
        engine.hints.set(m.relPath, m.hints, keeper.index);
        return;
      case 'cancel':
        running.get(m.id)?.abort();
        return;
      default:
        void request(m);
    }
  }

  async function answer(m: HostRequest, signal: AbortSignal): Promise<ReplyResults[HostRequest['kind']]> {
    switch (m.kind) {
      case 'stats':
        return keeper.stats();
      case 'rebuild':
        return keeper.rebuild();
      case 'searchWorkspace':
        return packQuestionHits(await questions.search(m.question, QUESTION_HITS, signal), m.budgetTokens);
      case 'syntax':
        return runSyntaxTask(m.task);
      case 'shutdown':
        keeper.dispose();
        engine.dispose();
        return null;
      case 'window': {
        const q = m.query;
        const d = mirror.at(q.path, q.version);
        if (!d) throw Object.assign(new Error(`no copy at version ${q.version}`), { code: 'resync' as const });
        // The mode's syntax check needs the grammar: load it for the next request (this one uses the text rules), as the host does.
        const grammar = resolveLanguage(q.languageId);
        if (grammar && !isLoaded(q.languageId)) void loadLanguage(grammar).catch(() => undefined);
        return remoteWindow({ text: d.text, offset: q.offset, line: q.line, languageId: q.languageId }, q.budget, windowTrees);
      }
      case 'assemble': {
        const q = m.query;
        const sent = q.doc.text !== undefined ? { path: q.doc.path, relPath: q.doc.relPath, languageId: q.doc.languageId, version: q.doc.version, text: q.doc.text } : undefined;
        // A text sent with the request becomes the copy, unless the copy is already newer (the request's snapshot is old).
        const newer = sent && (mirror.get(sent.path)?.version ?? -Infinity) > sent.version;
        const d = sent ? (newer ? sent : mirror.open(sent)) : mirror.at(q.doc.path, q.doc.version);
        if (!d) throw Object.assign(new Error(`no copy of ${q.doc.relPath} at version ${q.doc.version}`), { code: 'resync' as const });
        const doc = { path: d.path, relPath: d.relPath, languageId: d.languageId, version: d.version, text: d.text, offset: q.doc.offset, line: q.doc.line, selection: q.doc.selection };
        const packed = await engine.assemble({ doc, budgetTokens: q.budgetTokens, purpose: q.purpose, fileFits: q.fileFits, signal });
        const wire: WirePackedContext = {
          items: packed.items,
          text: packed.text,
          tokens: packed.tokens,
          elapsedMs: packed.elapsedMs,
          fallback: packed.fallback,
          budgetTokens: packed.budgetTokens,
        };
        if (m.withDropped) wire.dropped = packed.dropped;
        if (q.purpose === 'completion' && packed.text) wire.lineCounts = lineCountsOf(packed.text);
        return wire;
      }
    }
  }

  async function request(m: HostRequest): Promise<void> {
    // A request runs now: the warm-up (if any) stops at its next cancellation point instead of running beside it.
    warmUp.cancel();
    if (m.kind === 'assemble' && m.query.purpose === 'completion') warmUp.noteBudget(m.query.budgetTokens);
    const ctl = new AbortController();
    running.set(m.id, ctl);
    try {
      const result = await answer(m, ctl.signal);
      port.post({ kind: 'reply', id: m.id, ok: true, result } satisfies EngineReply);
    } catch (err) {
      const code = ctl.signal.aborted ? 'aborted' : (err as { code?: string }).code === 'resync' ? 'resync' : 'failed';
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      port.post({ kind: 'reply', id: m.id, ok: false, code, error } satisfies EngineReply);
    } finally {
      running.delete(m.id);
    }
  }

  port.onMessage(notice);

  // Restore what was persisted, then answer requests (they queue behind the restore), then bring the index up to date.
  let restored = 0;
  try {
    restored = keeper.restore();
  } catch (err) {
    logger.warn(`context index: could not restore: ${err instanceof Error ? err.message : String(err)}`);
  }
  emit({ kind: 'ready', restored });
  void keeper.build();
}

connectEngine(serveEngine);

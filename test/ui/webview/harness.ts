/**
 * The chat webview alone in headless Chromium: the page is the production HTML (buildChatHtml, same CSP) served from a
 * loopback origin with the built dist/webview.js and media/chat.css. A stub `acquireVsCodeApi` (installed before any page
 * script runs) records what the view posts; host messages are delivered with window.postMessage as VS Code does.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildChatHtml } from '../../../src/vscode/chat/html';
import type { HostMessage, WebviewMessage } from '../../../src/shared/protocol';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SHOTS = path.join(ROOT, 'test-results', 'ui-webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const THEMES = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#616161', '--vscode-editor-foreground': '#000000', '--vscode-sideBar-background': '#f3f3f3',
      '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171', '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#d4d4d4', '--vscode-focusBorder': '#0090f1', '--vscode-button-background': '#007acc',
      '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#0062a3', '--vscode-button-secondaryBackground': '#e0e0e0',
      '--vscode-button-secondaryForeground': '#333333', '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#616161',
      '--vscode-input-border': '#cecece', '--vscode-textCodeBlock-background': '#dcdcdc66', '--vscode-textLink-foreground': '#006ab1',
      '--vscode-badge-background': '#c4c4c4', '--vscode-badge-foreground': '#333333', '--vscode-errorForeground': '#a1260d',
      '--vscode-editorWarning-foreground': '#bf8803', '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#616161',
      '--vscode-dropdown-border': '#cecece', '--vscode-symbolIcon-keywordForeground': '#0000ff', '--vscode-debugTokenExpression-string': '#a31515',
      '--vscode-debugTokenExpression-number': '#098658', '--vscode-symbolIcon-functionForeground': '#795e26', '--vscode-symbolIcon-classForeground': '#267f99',
      '--vscode-editorGroupHeader-tabsBackground': '#f3f3f3', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803', '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-inputValidation-warningBackground': '#f6f5d2', '--vscode-toolbar-hoverBackground': '#b8b8b850',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#d4d4d4', '--vscode-sideBar-background': '#252526',
      '--vscode-editor-background': '#1e1e1e', '--vscode-descriptionForeground': '#ccccccb3', '--vscode-panel-border': '#80808059',
      '--vscode-widget-border': '#303031', '--vscode-focusBorder': '#007fd4', '--vscode-button-background': '#0e639c',
      '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#1177bb', '--vscode-button-secondaryBackground': '#3a3d41',
      '--vscode-button-secondaryForeground': '#ffffff', '--vscode-input-background': '#3c3c3c', '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c', '--vscode-textCodeBlock-background': '#0a0a0a66', '--vscode-textLink-foreground': '#3794ff',
      '--vscode-badge-background': '#4d4d4d', '--vscode-badge-foreground': '#ffffff', '--vscode-errorForeground': '#f48771',
      '--vscode-editorWarning-foreground': '#cca700', '--vscode-dropdown-background': '#3c3c3c', '--vscode-dropdown-foreground': '#f0f0f0',
      '--vscode-dropdown-border': '#3c3c3c', '--vscode-symbolIcon-keywordForeground': '#569cd6', '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-number': '#b5cea8', '--vscode-symbolIcon-functionForeground': '#dcdcaa', '--vscode-symbolIcon-classForeground': '#4ec9b0',
      '--vscode-editorGroupHeader-tabsBackground': '#252526', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace', '--vscode-charts-blue': '#3794ff', '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700', '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-inputValidation-warningBackground': '#352a05', '--vscode-toolbar-hoverBackground': '#5a5d5e50',
    },
  },
} as const;
export type ThemeName = keyof typeof THEMES;

export interface Harness {
  browser: Browser;
  origin: string;
  open(theme?: ThemeName, width?: number): Promise<ViewPage>;
  close(): Promise<void>;
}

export interface ViewPage {
  page: Page;
  send(m: HostMessage): Promise<void>;
  posted(): Promise<WebviewMessage[]>;
  clearPosted(): Promise<void>;
  /** Wait until the view posted a message matching `pred`. */
  waitPosted(pred: (m: WebviewMessage) => boolean, timeoutMs?: number): Promise<WebviewMessage>;
  violations(): Promise<string[]>;
  errors: string[];
}

const DEFAULT_FILES = {
  '/dist/webview.js': { file: path.join(ROOT, 'dist', 'webview.js'), type: 'text/javascript' },
  '/media/chat.css': { file: path.join(ROOT, 'media', 'chat.css'), type: 'text/css' },
} as const;

/**
 * A ready view (it posted `ready`) with a clock of its main thread's busy time so far, in ms (CDP TaskDuration): what
 * the streaming benchmarks measure.
 */
export async function openTimedView(harness: Harness): Promise<{ view: ViewPage; busy: () => Promise<number> }> {
  const view = await harness.open('dark');
  await view.waitPosted((m) => m.type === 'ready');
  const cdp = await view.page.context().newCDPSession(view.page);
  await cdp.send('Performance.enable');
  const busy = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  return { view, busy };
}

/**
 * A page holding `<div id="out">` and a browser bundle of `entry` (TypeScript importing from the project root), for
 * measuring or testing webview modules without the view around them; `css` also loads media/chat.css.
 */
export async function openModulePage(entry: string, opts: { minify?: boolean; css?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' }, bundle: true, write: false, format: 'iife', platform: 'browser', minify: opts.minify ?? false });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const page = await browser.newPage();
  await page.setContent('<div id="out"></div>');
  if (opts.css) await page.addStyleTag({ path: path.join(ROOT, 'media', 'chat.css') });
  await page.addScriptTag({ content: 'window.__name = (f) => f;' }); // tsx keepNames helper for functions sent to the page
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  return { browser, page };
}

/** Serve another build of the view (e.g. a baseline built from an older revision) instead of dist/ and media/. */
export interface HarnessFiles {
  webviewJs?: string;
  chatCss?: string;
}

export async function startHarness(files: HarnessFiles = {}): Promise<Harness> {
  const FILES = {
    '/dist/webview.js': { ...DEFAULT_FILES['/dist/webview.js'], file: files.webviewJs ?? DEFAULT_FILES['/dist/webview.js'].file },
    '/media/chat.css': { ...DEFAULT_FILES['/media/chat.css'], file: files.chatCss ?? DEFAULT_FILES['/media/chat.css'].file },
  } as Record<string, { file: string; type: string }>;
  if (!fs.existsSync(FILES['/dist/webview.js'].file)) throw new Error('dist/webview.js is missing: run `npm run build` first');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      const html = buildChatHtml({ cspSource: origin, nonce: randomBytes(18).toString('base64'), scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/chat.css` });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const f = FILES[url.pathname];
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f.type }).end(fs.readFileSync(f.file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return {
    browser,
    origin,
    async open(theme: ThemeName = 'dark', width = 420) {
      const page = await browser.newPage({ viewport: { width, height: 760 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().includes('favicon')) errors.push(msg.text());
      });
      // tsx (esbuild keepNames) wraps functions in __name(); functions shipped to the page need it defined.
      await page.addInitScript({ content: 'window.__name = (f) => f;' });
      await page.addInitScript(() => {
        const w = window as unknown as Record<string, unknown>;
        const posted: unknown[] = [];
        const violations: string[] = [];
        let state: unknown;
        w.__posted = posted;
        w.__violations = violations;
        document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
        w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))), getState: () => state, setState: (s: unknown) => (state = s) });
      });
      await page.goto(origin);
      const t = THEMES[theme];
      await page.evaluate(({ vars, bodyClass }) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.classList.add(bodyClass);
      }, { vars: t.vars as Record<string, string>, bodyClass: t.bodyClass });
      const posted = () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted.slice());
      return {
        page,
        errors,
        send: (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>),
        posted,
        clearPosted: () => page.evaluate(() => void ((window as unknown as { __posted: unknown[] }).__posted.length = 0)),
        violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice()),
        async waitPosted(pred, timeoutMs = 3000) {
          const end = Date.now() + timeoutMs;
          for (;;) {
            const found = (await posted()).find(pred);
            if (found) return found;
            if (Date.now() > end) throw new Error(`the view did not post the expected message; it posted: ${JSON.stringify(await posted()).slice(0, 800)}`);
            await new Promise((r) => setTimeout(r, 25));
          }
        },
      };
    },
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

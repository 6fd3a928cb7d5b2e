/**
 * Colours as the workbench renders them, for UI checks that must see a decoration (not just find its element): the
 * functions below run inside the page (page.waitForFunction / page.evaluate), so each is self-contained.
 */
import type { Page } from 'playwright-core';

/**
 * The checks run under tsx, whose keepNames transform wraps named inner functions in `__name(...)` calls; a function
 * serialised into the page needs that helper there too (a string, so it is not transformed itself).
 */
async function nameShim(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
}

/** Waits until the active editor's background is of the theme kind asked for (the theme has switched). */
export async function waitForThemeKind(page: Page, kind: 'light' | 'dark', timeout = 15_000): Promise<void> {
  await nameShim(page);
  await page.waitForFunction(themeLuminance.wantKind, kind, { timeout });
}

/** The kind of the active editor's theme now. */
export async function currentThemeKind(page: Page): Promise<'light' | 'dark' | 'other'> {
  await nameShim(page);
  if (await page.evaluate(themeLuminance.wantKind, 'dark')) return 'dark';
  return (await page.evaluate(themeLuminance.wantKind, 'light')) ? 'light' : 'other';
}

/** Waits until both lines show their decoration, and returns the colours. */
export async function waitForLineColours(page: Page, args: { removedText: string; addedText: string }, timeout = 15_000): Promise<LineColours> {
  await nameShim(page);
  const handle = await page.waitForFunction(lineColours, args, { timeout });
  return (await handle.jsonValue()) as LineColours;
}

/** Editor background and the whole-line decoration backgrounds of two lines, as opaque RGB (alpha composited). */
export interface LineColours {
  background: number[];
  removed?: number[];
  added?: number[];
}

const themeLuminance = {
  /** True when the active editor's background is dark (relative luminance < 0.2) or light (> 0.7), as asked. */
  wantKind(kind: string): boolean {
    const bg = document.querySelector('.editor-instance .monaco-editor-background');
    if (!bg) return false;
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(getComputedStyle(bg).backgroundColor);
    if (!m) return false;
    const lin = (v: number) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const l = 0.2126 * lin(Number(m[1])) + 0.7152 * lin(Number(m[2])) + 0.0722 * lin(Number(m[3]));
    return kind === 'dark' ? l < 0.2 : l > 0.7;
  },
};

/**
 * In the editor showing `addedText`: the editor background and, for the lines containing `removedText` and
 * `addedText`, the background of the extension's whole-line decoration (`.cdr.ced-*` in the view overlays at the
 * line's top) composited over the editor background. False until both lines are rendered with a decoration.
 */
function lineColours(args: { removedText: string; addedText: string }): LineColours | false {
  const parse = (css: string): number[] | undefined => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : undefined;
  };
  const text = (el: Element) => (el.textContent ?? '').replace(/\u00a0/g, ' ');
  const editor = [...document.querySelectorAll('.editor-instance .monaco-editor')].find((e) =>
    [...e.querySelectorAll('.view-lines .view-line')].some((l) => text(l).includes(args.addedText)),
  );
  const bgEl = editor?.querySelector('.monaco-editor-background');
  const bg = bgEl && parse(getComputedStyle(bgEl).backgroundColor);
  if (!editor || !bg) return false;
  const decorationOf = (needle: string): number[] | undefined => {
    const line = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')].find((l) => text(l).includes(needle));
    if (!line) return undefined;
    const row = [...editor.querySelectorAll<HTMLElement>('.view-overlays > div')].find((d) => d.style.top === line.style.top);
    const colours = [...(row?.children ?? [])]
      .filter((c) => /(^|\s)ced-/.test(c.className))
      .map((c) => parse(getComputedStyle(c).backgroundColor))
      .filter((c): c is number[] => !!c && c[3] > 0);
    const c = colours[0];
    if (!c) return undefined;
    return [0, 1, 2].map((i) => Math.round(c[i] * c[3] + bg[i] * (1 - c[3])));
  };
  const removed = decorationOf(args.removedText);
  const added = decorationOf(args.addedText);
  return removed && added ? { background: bg.slice(0, 3), removed, added } : false;
}

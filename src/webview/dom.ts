/** Tiny DOM helpers: elements are built with properties and text, never from HTML strings (markdown.ts is the one exception). */

type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) el.append(child);
  return el;
}

/** A button with a visible label (or an icon glyph) and an accessible name. */
export function button(label: string, ariaLabel: string, onClick: (ev: MouseEvent) => void, cls = ''): HTMLButtonElement {
  const b = h('button', { type: 'button', class: cls, 'aria-label': ariaLabel, title: ariaLabel, text: label });
  b.addEventListener('click', onClick);
  return b;
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the chat page`);
  return el as T;
}

export function formatTokens(n: number): string {
  return n.toLocaleString('en-US');
}

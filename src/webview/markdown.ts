/**
 * Model output -> safe HTML. Model output is untrusted: markdown-it runs with `html: false` (raw HTML is shown as text),
 * images become plain links (no remote loads), links are limited to https: and mailto: (without a query: no
 * prefilled body), a link whose text differs from its target also shows the target's real host, and the result goes through
 * DOMPurify with an allow-list before it touches the DOM. Code fences are highlighted with a few highlight.js grammars
 * and their source is returned separately (in document order, matching the `.code-block` elements) so the code-block
 * buttons never read code back from the DOM.
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import javascript from 'highlight.js/lib/languages/javascript';
import python from 'highlight.js/lib/languages/python';
import go from 'highlight.js/lib/languages/go';
import rust from 'highlight.js/lib/languages/rust';
import java from 'highlight.js/lib/languages/java';
import cpp from 'highlight.js/lib/languages/cpp';
import c from 'highlight.js/lib/languages/c';
import csharp from 'highlight.js/lib/languages/csharp';
import ruby from 'highlight.js/lib/languages/ruby';
import php from 'highlight.js/lib/languages/php';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import yaml from 'highlight.js/lib/languages/yaml';
import xml from 'highlight.js/lib/languages/xml';
import css from 'highlight.js/lib/languages/css';
import sql from 'highlight.js/lib/languages/sql';
import diff from 'highlight.js/lib/languages/diff';
import markdown from 'highlight.js/lib/languages/markdown';

const GRAMMARS = { typescript, javascript, python, go, rust, java, cpp, c, csharp, ruby, php, bash, json, yaml, xml, css, sql, diff, markdown };
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);
hljs.registerAliases(['ts', 'tsx', 'typescriptreact'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'jsx', 'javascriptreact', 'mjs', 'cjs'], { languageName: 'javascript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['rs'], { languageName: 'rust' });
hljs.registerAliases(['c++', 'cc', 'hpp'], { languageName: 'cpp' });
hljs.registerAliases(['cs', 'c#'], { languageName: 'csharp' });
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });

export interface CodeBlock {
  code: string;
  /** The fence's language tag as written (may be empty). */
  language: string;
}

export interface RenderedMarkdown {
  html: string;
  blocks: CodeBlock[];
}

interface RenderEnv {
  blocks: CodeBlock[];
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function highlight(code: string, language: string): string {
  const lang = language.toLowerCase();
  if (lang && hljs.getLanguage(lang)) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain text
    }
  }
  return escapeHtml(code);
}

md.renderer.rules.fence = (tokens, idx, _options, rawEnv) => {
  const env = rawEnv as unknown as RenderEnv;
  const token = tokens[idx];
  const language = token.info.trim().split(/\s+/)[0] ?? '';
  env.blocks.push({ code: token.content.replace(/\n$/, ''), language });
  const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '';
  return `<div class="code-block"><div class="code-toolbar">${label}</div><pre><code class="hljs">${highlight(token.content, language)}</code></pre></div>\n`;
};

// Images would load remote content (tracking, CSP noise): show them as links with their alt text.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const src = String(token.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(token.children ?? [], options, env) || src;
  return md.validateLink(src) ? `<a href="${escapeHtml(md.normalizeLink(src))}">${escapeHtml(alt)}</a>` : escapeHtml(alt);
};

const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url: string) => /^(https:|mailto:|#)/i.test(url.trim()) && defaultValidateLink(url);

const PURIFY_CONFIG = {
  ALLOWED_TAGS: ['a', 'p', 'br', 'hr', 'em', 'strong', 's', 'del', 'code', 'pre', 'span', 'div', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ALLOWED_ATTR: ['href', 'class', 'start', 'title', 'align'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https:|mailto:|#)/i,
};

let hooked = false;
function sanitize(html: string): string {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') guardLink(node);
    });
  }
  return DOMPurify.sanitize(html, PURIFY_CONFIG) as string;
}

/**
 * A model's link may say one thing and go to another: `mailto:` loses its query (no prefilled subject or body), a
 * link whose text is not its own address shows the real host after the text, and the full target is the tooltip.
 * A link to anything else (http:, a scheme DOMPurify let through) keeps its text and loses its target.
 */
function guardLink(a: Element): void {
  let href = a.getAttribute('href') ?? '';
  if (/^mailto:/i.test(href)) {
    href = href.replace(/[?#].*$/s, '');
    a.setAttribute('href', href);
  } else if (/^https:/i.test(href)) {
    let host = '';
    try {
      host = new URL(href).host;
    } catch {
      a.removeAttribute('href');
      return;
    }
    const text = (a.textContent ?? '').trim();
    if (!sameAddress(text, href)) {
      const note = a.ownerDocument.createElement('span');
      note.className = 'link-host';
      note.textContent = ` (${host})`;
      a.appendChild(note);
    }
  } else if (!href.startsWith('#')) {
    a.removeAttribute('href');
    return;
  }
  a.setAttribute('title', href);
}

/** True when a link's text is its target (as linkify writes it, with or without the scheme or a final slash). */
function sameAddress(text: string, href: string): boolean {
  const bare = (s: string) => s.replace(/^[a-z]+:(\/\/)?/i, '').replace(/\/$/, '').toLowerCase();
  try {
    return bare(text) === bare(href) || bare(text) === bare(decodeURI(href));
  } catch {
    return bare(text) === bare(href);
  }
}

/** The highlighter's state at the end of each language's root (nothing left open), for `highlightLines`. */
const roots = new Map<string, unknown>();

/**
 * Sanitised HTML for lines of a code block highlighted from a fresh start, as the fence renderer highlights them, and
 * whether the highlighter ended at its root (no comment, string or other construct left open): only then may the next
 * lines be highlighted from a fresh start and give the HTML a whole-block render gives.
 */
export function highlightLines(code: string, language: string): { html: string; closed: boolean } {
  const lang = language.toLowerCase();
  if (!lang || !hljs.getLanguage(lang)) return { html: sanitize(escapeHtml(code)), closed: true };
  try {
    if (!roots.has(lang)) roots.set(lang, (hljs.highlight('', { language: lang, ignoreIllegals: true }) as { _top?: unknown })._top);
    const result = hljs.highlight(code, { language: lang, ignoreIllegals: true }) as { value: string; _top?: unknown };
    return { html: sanitize(result.value), closed: result._top !== undefined && result._top === roots.get(lang) };
  } catch {
    return { html: sanitize(escapeHtml(code)), closed: true };
  }
}

/** Render (possibly incomplete, still streaming) markdown to sanitised HTML plus the code blocks it contains. */
export function renderMarkdown(text: string): RenderedMarkdown {
  const env: RenderEnv = { blocks: [] };
  const html = md.render(text, env as unknown as Record<string, unknown>);
  return { html: sanitize(html), blocks: env.blocks };
}

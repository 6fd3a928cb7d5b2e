// Issue 14, finding 15: a workspace's model name (or a server's endpoint text) cannot inject markdown into the
// status bar tooltip. Rendered with markdown-it (CommonMark, as VS Code's hover renderer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { statusTooltipMarkdown } from '../../../src/vscode/statusTooltip';
import { markdownCode } from '../../../src/core/untrusted';

const md = new MarkdownIt({ html: true, linkify: false });
const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");

const HOSTILE_MODELS = [
  'phi4` [Open terminal](command:workbench.action.terminal.new) `',
  'x``` ![img](https://evil.example/pixel.png) ```',
  '<img src=x onerror=alert(1)>',
  '`',
  'a\n\n# Heading\n[click](https://evil.example)',
];

test('hostile model names render as one literal code span: no link, image, html or heading', () => {
  for (const chatModel of HOSTILE_MODELS) {
    const html = md.render(statusTooltipMarkdown({ stateLabel: 'ready', detail: 'phi4 on Ollama', backendName: 'Ollama', endpoint: 'http://127.0.0.1:11434', chatModel, completionsLine: 'on' }));
    assert.doesNotMatch(html, /<a |<img|<h1/, `${JSON.stringify(chatModel)} -> ${html}`);
    const line = html.split('\n').find((l) => l.includes('Chat model'))!;
    assert.equal((line.match(/<code>/g) ?? []).length, 1, line);
    assert.equal(textOf(line.slice(line.indexOf('<code>'))).trim(), chatModel.replace(/\n+/g, ' ').trim());
  }
});

test('detail and endpoint text from a server is shown as text, not markdown', () => {
  const html = md.render(statusTooltipMarkdown({ stateLabel: 'offline', detail: 'down [fix](command:evil) **now** <b>x</b>', backendName: 'OpenAI-compatible server', endpoint: 'http://h/`[x](command:y)`', chatModel: 'phi4', completionsLine: 'on' }));
  assert.doesNotMatch(html, /<a |<strong>now|<b>/);
  assert.match(textOf(html), /down \[fix\]\(command:evil\) \*\*now\*\* <b>x<\/b>/);
  assert.equal(markdownCode('plain'), '`plain`');
});

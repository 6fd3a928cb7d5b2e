import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChatHtml, chatCsp } from '../../../src/vscode/chat/html';

const opts = { cspSource: 'https://abc.vscode-resource.vscode-cdn.net', nonce: 'AbCdEf0123456789xyzXYZ+/', scriptUri: 'https://abc.vscode-resource.vscode-cdn.net/ext/dist/webview.js', styleUri: 'https://abc.vscode-resource.vscode-cdn.net/ext/media/chat.css' };

test('CSP: nothing by default, nonce-only scripts, styles from the webview origin only', () => {
  const csp = chatCsp(opts.cspSource, opts.nonce);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${opts.nonce.replace(/[+/]/g, '\\$&')}'(;|$)`));
  assert.match(csp, /style-src https:\/\/abc\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|data:|http:/);
});

test('the page has the CSP meta first, one nonce\'d script, no inline script or style', () => {
  const html = buildChatHtml(opts);
  const head = html.slice(0, html.indexOf('</head>'));
  assert.ok(head.indexOf('Content-Security-Policy') < head.indexOf('<link'), 'CSP before any resource');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script nonce="${opts.nonce}" src="${opts.scriptUri}">`]);
  assert.doesNotMatch(html, /<style|\sstyle="|\son[a-z]+="/i);
  for (const id of ['input', 'messages', 'chips', 'meter', 'send-button', 'stop-button', 'banner', 'suggestions', 'conversation-select']) assert.match(html, new RegExp(`id="${id}"`));
  assert.match(html, /role="log"/);
  assert.match(html, /aria-label="Ask Phi Coder"/);
});

test('attribute values are escaped and weak nonces refused', () => {
  const html = buildChatHtml({ ...opts, scriptUri: 'https://x/"><script>alert(1)</script>' });
  assert.ok(!html.includes('"><script>alert(1)'));
  assert.throws(() => buildChatHtml({ ...opts, nonce: 'short' }), /nonce/);
  assert.throws(() => buildChatHtml({ ...opts, nonce: "abc'; script-src *" + 'x'.repeat(20) }), /nonce/);
});

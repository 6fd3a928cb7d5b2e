/**
 * The chat webview's HTML, built by a pure function (no `vscode` import) so the CSP and structure are unit-tested.
 * CSP: nothing by default; scripts only with the per-load nonce; styles and fonts only from the webview's own
 * resource origin (dist/ and media/); no inline styles in markup; images only from those roots (none are used).
 */

export interface ChatHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per load: 32+ characters of base64/hex. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

function attr(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildChatHtml(o: ChatHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('chat webview: nonce must be 16+ base64/hex characters');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Phi Coder Chat</title>
</head>
<body>
<div class="app">
  <header class="toolbar" role="toolbar" aria-label="Chat">
    <span id="status-dot" class="status-dot" aria-hidden="true"></span>
    <button id="model-button" type="button" class="picker" aria-label="Pick a model">Model</button>
    <button id="backend-button" type="button" class="picker" aria-label="Pick a backend">Backend</button>
    <select id="conversation-select" aria-label="Conversations"></select>
    <button id="delete-button" type="button" class="icon" aria-label="Delete this conversation" title="Delete this conversation">Delete</button>
    <button id="new-button" type="button" class="icon" aria-label="New conversation" title="New conversation">+</button>
    <button id="clear-button" type="button" class="icon" aria-label="Clear conversation" title="Clear conversation">Clear</button>
  </header>
  <section id="banner" class="banner" hidden></section>
  <main id="messages" class="messages" role="log" aria-live="polite" aria-label="Conversation"></main>
  <div id="notice" class="notice" role="status" hidden></div>
  <footer class="composer">
    <div id="chips" class="chips" role="group" aria-label="Context attached to the question" hidden></div>
    <div class="input-wrap">
      <ul id="suggestions" class="suggestions" role="listbox" aria-label="Mention suggestions" hidden></ul>
      <textarea id="input" rows="3" role="combobox" aria-label="Ask Phi Coder" aria-autocomplete="list" aria-controls="suggestions" aria-expanded="false"
        placeholder="Ask about your code. @ adds context. Enter sends, Shift+Enter for a new line."></textarea>
      <div class="input-buttons">
        <button id="send-button" type="button" class="primary" aria-label="Send question (Enter)">Send</button>
        <button id="stop-button" type="button" class="danger" aria-label="Stop the answer (Escape)" hidden>Stop</button>
      </div>
    </div>
    <div id="meter" class="meter" aria-live="off"></div>
  </footer>
</div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}

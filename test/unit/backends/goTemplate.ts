/**
 * A minimal evaluator for the subset of Go's text/template that Ollama's phi4 template uses: text, `{{- -}}`
 * whitespace trimming, `range $i, $_ := .Messages`, `$v := expr`, `if expr`, `end`, `.Field`, `$.Field`, and the
 * functions eq, ne, not, and, len, slice. Test-only: it lets the Phi-4 template test render the real template text.
 */

type Value = unknown;
type Node = { t: 'text'; s: string } | { t: 'out'; e: string } | { t: 'assign'; v: string; e: string } | { t: 'if'; e: string; body: Node[] } | { t: 'range'; iv: string; ev: string; e: string; body: Node[] };

function lex(src: string): { text: string[]; actions: string[] } {
  const text: string[] = [];
  const actions: string[] = [];
  let rest = src;
  for (;;) {
    const at = rest.indexOf('{{');
    if (at < 0) {
      text.push(rest);
      break;
    }
    const end = rest.indexOf('}}', at);
    let before = rest.slice(0, at);
    let inner = rest.slice(at + 2, end);
    if (inner.startsWith('- ')) {
      before = before.replace(/\s+$/, '');
      inner = inner.slice(2);
    }
    let after = rest.slice(end + 2);
    if (inner.endsWith(' -')) {
      inner = inner.slice(0, -2);
      after = after.replace(/^\s+/, '');
    }
    text.push(before);
    actions.push(inner.trim());
    rest = after;
  }
  return { text, actions };
}

function parse(src: string): Node[] {
  const { text, actions } = lex(src);
  const root: Node[] = [];
  const stack: Node[][] = [root];
  const top = () => stack[stack.length - 1];
  for (let i = 0; i < text.length; i++) {
    if (text[i]) top().push({ t: 'text', s: text[i] });
    if (i >= actions.length) break;
    const a = actions[i];
    let m: RegExpMatchArray | null;
    if (a === 'end') stack.pop();
    else if ((m = a.match(/^range (\$\w+), (\$\w+) := (.+)$/))) {
      const n: Node = { t: 'range', iv: m[1], ev: m[2], e: m[3], body: [] };
      top().push(n);
      stack.push(n.body);
    } else if ((m = a.match(/^if (.+)$/))) {
      const n: Node = { t: 'if', e: m[1], body: [] };
      top().push(n);
      stack.push(n.body);
    } else if ((m = a.match(/^(\$\w+) := (.+)$/))) top().push({ t: 'assign', v: m[1], e: m[2] });
    else top().push({ t: 'out', e: a });
  }
  return root;
}

function tokens(expr: string): string[] {
  return expr.match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
}

const FUNCS: Record<string, (...a: Value[]) => Value> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  not: (a) => !a,
  and: (...a) => a.every(Boolean),
  len: (a) => (a as unknown[]).length,
  slice: (a, i) => (a as unknown[]).slice(i as number),
};

function evaluate(expr: string, dot: Record<string, Value>, root: Record<string, Value>, vars: Map<string, Value>): Value {
  const toks = tokens(expr);
  let pos = 0;
  const term = (): Value => {
    const t = toks[pos++];
    if (t === '(') {
      const v = call();
      pos++; // ')'
      return v;
    }
    if (t.startsWith('"')) return t.slice(1, -1);
    if (/^\d+$/.test(t)) return Number(t);
    if (t.startsWith('$.')) return root[t.slice(2)];
    if (t.startsWith('$')) return vars.get(t);
    if (t.startsWith('.')) return dot[t.slice(1)];
    throw new Error(`unexpected ${t}`);
  };
  const call = (): Value => {
    const t = toks[pos];
    if (FUNCS[t]) {
      pos++;
      const args: Value[] = [];
      while (pos < toks.length && toks[pos] !== ')') args.push(term());
      return FUNCS[t](...args);
    }
    return term();
  };
  return call();
}

export function renderGoTemplate(src: string, data: Record<string, Value>): string {
  const vars = new Map<string, Value>();
  const run = (nodes: Node[], dot: Record<string, Value>): string => {
    let out = '';
    for (const n of nodes) {
      if (n.t === 'text') out += n.s;
      else if (n.t === 'out') out += String(evaluate(n.e, dot, data, vars));
      else if (n.t === 'assign') vars.set(n.v, evaluate(n.e, dot, data, vars));
      else if (n.t === 'if') {
        if (evaluate(n.e, dot, data, vars)) out += run(n.body, dot);
      } else {
        const list = evaluate(n.e, dot, data, vars) as Record<string, Value>[];
        list.forEach((item, i) => {
          vars.set(n.iv, i);
          vars.set(n.ev, item);
          out += run(n.body, item);
        });
      }
    }
    return out;
  };
  return run(parse(src), data);
}

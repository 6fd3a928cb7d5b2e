#!/usr/bin/env node
// Where the time of the timed spans goes: reads a CPU profile (node --cpu-prof) and the spans a benchmark wrote with
// --windows (one JSON line each: {"kind": "parse", "start": ms, "end": ms} on the monotonic clock the profile's sample
// times use), and prints per kind the profiled ms inside the spans and the functions with the most self and inclusive
// time there. A whole-run profile is mostly the index build; this keeps only the per-keystroke work.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/keystrokes.js --repo <dir> --windows /tmp/windows.jsonl ...
//   node scripts/profile-windows.js /tmp/prof/<file>.cpuprofile /tmp/windows.jsonl [--top 25]
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const [profileFile, windowsFile] = args;
if (!profileFile || !windowsFile) {
  console.error('usage: node scripts/profile-windows.js <profile.cpuprofile> <windows.jsonl> [--top N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
const windows = fs.readFileSync(windowsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).sort((a, b) => a.start - b.start);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? path.basename(n.callFrame.url) : ''}:${n.callFrame.lineNumber + 1}`;

/** Per kind: ms in the spans, ms of profile samples in them, self and inclusive ms per function. */
const kinds = new Map();
const kindOf = (k) => {
  let s = kinds.get(k);
  if (!s) kinds.set(k, (s = { spanMs: 0, spans: 0, sampledMs: 0, self: new Map(), inclusive: new Map() }));
  return s;
};
for (const w of windows) {
  const s = kindOf(w.kind);
  s.spanMs += w.end - w.start;
  s.spans++;
}
// A sample stands for the interval up to the next one.
let t = profile.startTime;
let wi = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  const ms = t / 1000;
  const weight = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  while (wi < windows.length && windows[wi].end < ms) wi++;
  const w = windows[wi];
  if (!w || ms < w.start) continue;
  const s = kindOf(w.kind);
  s.sampledMs += weight;
  let id = profile.samples[i];
  const selfKey = keyOf(byId.get(id));
  s.self.set(selfKey, (s.self.get(selfKey) ?? 0) + weight);
  const seen = new Set();
  for (; id !== undefined; id = parent.get(id)) {
    const k = keyOf(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    s.inclusive.set(k, (s.inclusive.get(k) ?? 0) + weight);
  }
}
const fmt = (m, total) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `  ${v.toFixed(1).padStart(9)} ms ${((100 * v) / Math.max(total, 1e-9)).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
for (const [kind, s] of kinds) {
  console.log(`== ${kind}: ${s.spans} spans, ${s.spanMs.toFixed(1)} ms timed, ${s.sampledMs.toFixed(1)} ms of samples in them`);
  console.log(`self:\n${fmt(s.self, s.sampledMs)}`);
  console.log(`inclusive:\n${fmt(s.inclusive, s.sampledMs)}`);
}

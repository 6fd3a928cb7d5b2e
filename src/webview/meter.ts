/** The live window meter: how the model's window is spent by system prompt, context, history, question and answer. */
import type { MeterView } from '../shared/protocol';
import { formatTokens, h } from './dom';

const SEGMENTS = [
  { key: 'system', label: 'System' },
  { key: 'rules', label: 'Rules' },
  { key: 'context', label: 'Context' },
  { key: 'history', label: 'History' },
  { key: 'question', label: 'Question' },
  { key: 'reserve', label: 'Answer (reserved)' },
] as const;

export function renderMeter(root: HTMLElement, meter: MeterView): void {
  const used = meter.system + (meter.rules ?? 0) + meter.context + meter.history + meter.question + meter.reserve;
  // The rules segment only when rules apply: most workspaces have none.
  const segments = SEGMENTS.filter((s) => s.key !== 'rules' || (meter.rules ?? 0) > 0);
  const bar = h('div', { class: 'meter-bar', role: 'meter', 'aria-label': 'Context window use', 'aria-valuemin': 0, 'aria-valuemax': meter.window, 'aria-valuenow': used, 'aria-valuetext': `${formatTokens(used)} of ${formatTokens(meter.window)} tokens` });
  for (const s of segments) {
    const value = meter[s.key] ?? 0;
    const seg = h('span', { class: `meter-seg seg-${s.key}`, title: `${s.label}: ${formatTokens(value)} tokens` });
    // CSSOM style (allowed by the CSP, unlike style attributes in markup).
    seg.style.width = `${Math.min(100, (value / meter.window) * 100)}%`;
    bar.append(seg);
  }
  const notes: string[] = [];
  if (meter.droppedTurns > 0) notes.push(`${meter.droppedTurns} earlier ${meter.droppedTurns === 1 ? 'turn' : 'turns'} will not be sent (window full)`);
  if (meter.truncatedContext > 0) notes.push(`context cut by ${formatTokens(meter.truncatedContext)} tokens to fit`);
  if (meter.overflow) notes.push('the question is too long for the window: shorten it or raise the window');
  const label = h('div', { class: 'meter-label' },
    h('span', { class: 'meter-total', text: `${formatTokens(used)} / ${formatTokens(meter.window)} tokens` }),
    h('span', { class: 'meter-detail', text: segments.map((s) => `${s.label.split(' ')[0].toLowerCase()} ${formatTokens(meter[s.key] ?? 0)}`).join(' · ') }));
  root.replaceChildren(bar, label);
  if (notes.length) root.append(h('div', { class: `meter-note${meter.overflow ? ' overflow' : ''}`, role: meter.overflow ? 'alert' : undefined, text: notes.join('; ') }));
  root.classList.toggle('overflow', meter.overflow);
  root.classList.toggle('trimmed', meter.droppedTurns > 0 || meter.truncatedContext > 0);
}

/** Small shared pieces: the error line, labelled fields, tabs, an action button, the balance chart. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { html } from './html';

export const messageOf = (err: unknown): string => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/** The problem's `detail`, announced to screen readers. */
export function ErrorLine({ error }: { error: string | undefined }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

/** Runs an action, shows its refusal, and reports success to `done`. */
export function useAction(): [string | undefined, boolean, (run: () => Promise<unknown>) => Promise<boolean>] {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [error, busy, run];
}

export function Field(props: { label: string; name: string; value: string; onInput: (v: string) => void; type?: string; placeholder?: string; hint?: string; autocomplete?: string }) {
  const id = `f-${props.name}`;
  return html`<label class="field" for=${id}>
    <span>${props.label}</span>
    <input
      id=${id}
      name=${props.name}
      type=${props.type ?? 'text'}
      value=${props.value}
      placeholder=${props.placeholder ?? ''}
      autocomplete=${props.autocomplete ?? 'off'}
      onInput=${(e: Event) => props.onInput((e.target as HTMLInputElement).value)}
    />
    ${props.hint ? html`<small>${props.hint}</small>` : null}
  </label>`;
}

export function Select(props: { label: string; name: string; value: string; options: string[]; onChange: (v: string) => void }) {
  const id = `f-${props.name}`;
  return html`<label class="field" for=${id}>
    <span>${props.label}</span>
    <select id=${id} name=${props.name} value=${props.value} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}>
      ${props.options.map((o) => html`<option value=${o} selected=${o === props.value}>${o}</option>`)}
    </select>
  </label>`;
}

/** Tabs as the WAI-ARIA pattern has them: arrow keys move between tabs, Enter/Space or focus selects. */
export function Tabs(props: { label: string; tabs: string[]; current: string; onSelect: (t: string) => void; children: ComponentChildren }) {
  const onKey = (e: KeyboardEvent) => {
    const i = props.tabs.indexOf(props.current);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = props.tabs[(i + step + props.tabs.length) % props.tabs.length]!;
    props.onSelect(next);
    const el = document.getElementById(`tab-${next.replace(/\s+/g, '-')}`);
    el?.focus();
  };
  return html`<div class="tabs">
    <div role="tablist" aria-label=${props.label} onKeyDown=${onKey}>
      ${props.tabs.map(
        (t) => html`<button
          role="tab"
          id=${`tab-${t.replace(/\s+/g, '-')}`}
          aria-selected=${t === props.current ? 'true' : 'false'}
          tabindex=${t === props.current ? 0 : -1}
          onClick=${() => props.onSelect(t)}
        >
          ${t}
        </button>`,
      )}
    </div>
    <section role="tabpanel" aria-labelledby=${`tab-${props.current.replace(/\s+/g, '-')}`}>${props.children}</section>
  </div>`;
}

/** The balance over time as an SVG step line (no chart library needed for one series). */
export function BalanceChart({ points }: { points: { at: string; balance: number }[] }) {
  if (points.length === 0) return html`<p class="muted">No entries yet.</p>`;
  const W = 600;
  const H = 160;
  const pad = 6;
  const values = [0, ...points.map((p) => p.balance)];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const x = (i: number) => pad + ((W - 2 * pad) * i) / Math.max(points.length, 1);
  const y = (v: number) => pad + (H - 2 * pad) * (1 - (v - min) / span);
  let d = `M ${x(0)} ${y(0)}`;
  points.forEach((p, i) => {
    d += ` H ${x(i + 1)} V ${y(p.balance)}`;
  });
  d += ` H ${W - pad}`;
  const last = points[points.length - 1]!;
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`Balance over ${points.length} entries, now ${(last.balance / 1e6).toFixed(2)} QAR`}>
      <line x1=${pad} x2=${W - pad} y1=${y(0)} y2=${y(0)} class="zero" />
      <path d=${d} class="line" />
    </svg>
    <figcaption>Balance after each entry (QAR); the dashed line is zero.</figcaption>
  </figure>`;
}

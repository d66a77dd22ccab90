/**
 * Conversations per day as an inline SVG bar chart. The picture has a one-line summary for
 * screen readers, and the same numbers are a table one click away.
 */
import { For, Show } from "solid-js";
import type { DayCount } from "../api/stats.ts";
import { formatDay } from "./format.ts";

const W = 600;
const H = 160;
const PAD_BOTTOM = 18;
const PAD_TOP = 14;

export function ConversationsChart(props: { days: DayCount[] }) {
  const max = () => Math.max(1, ...props.days.map((d) => d.count));
  const total = () => props.days.reduce((n, d) => n + d.count, 0);
  const busiest = () =>
    props.days.reduce<DayCount | undefined>(
      (best, d) => (!best || d.count > best.count ? d : best),
      undefined,
    );
  /** Every seventh day is labelled, counting back from today (the last day is always labelled). */
  const labelled = (i: number) => (props.days.length - 1 - i) % 7 === 0;
  const slot = () => W / Math.max(1, props.days.length);
  const summary = () => {
    const b = busiest();
    return (
      `${total()} conversations in the last ${props.days.length} days` +
      (b && b.count > 0 ? `; busiest day ${formatDay(b.day)} with ${b.count}.` : ".")
    );
  };

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Conversations per day</title>
        <desc id="chart-desc">{summary()}</desc>
        <line class="axis" x1="0" x2={W} y1={H - PAD_BOTTOM} y2={H - PAD_BOTTOM} />
        <For each={props.days}>
          {(d, i) => {
            const height = () => ((H - PAD_BOTTOM - PAD_TOP) * d.count) / max();
            return (
              <g>
                <rect
                  class="bar"
                  x={i() * slot() + slot() * 0.15}
                  width={slot() * 0.7}
                  y={H - PAD_BOTTOM - height()}
                  height={Math.max(height(), d.count ? 1 : 0)}
                >
                  <title>
                    {formatDay(d.day)}: {d.count}
                  </title>
                </rect>
                <Show when={d.count > 0}>
                  <text
                    x={i() * slot() + slot() / 2}
                    y={H - PAD_BOTTOM - height() - 3}
                    text-anchor="middle"
                  >
                    {d.count}
                  </text>
                </Show>
                <Show when={labelled(i())}>
                  <text
                    x={
                      i() === 0 ? 0 : i() === props.days.length - 1 ? W : i() * slot() + slot() / 2
                    }
                    y={H - 4}
                    text-anchor={
                      i() === 0 ? "start" : i() === props.days.length - 1 ? "end" : "middle"
                    }
                  >
                    {formatDay(d.day)}
                  </text>
                </Show>
              </g>
            );
          }}
        </For>
      </svg>
      <figcaption class="muted small">{summary()}</figcaption>
      <details>
        <summary>Show as a table</summary>
        <table>
          <caption class="visually-hidden">Conversations per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Conversations</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.days}>
              {(d) => (
                <tr>
                  <th scope="row">{formatDay(d.day)}</th>
                  <td>{d.count}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </details>
    </figure>
  );
}

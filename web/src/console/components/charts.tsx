// Dependency-free SVG charts for daily series: bars (optionally stacked) and lines. Each chart is a
// figure with a caption, a text summary for screen readers, and its numbers in a data table. It is
// drawn at the width it is shown at, so its text keeps its size on a phone as on a desktop.

import type { RefObject } from "preact";
import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";

export interface Series {
  name: string;
  values: number[];
}

interface ChartProps {
  title: string;
  labels: string[];
  series: Series[];
  /** How values are shown; without one they are counts, rounded, and the y axis has only whole ticks. */
  format?: (value: number) => string;
  kind: "bars" | "stacked" | "line";
  max?: number;
  summary: string;
  /** Name the series under the chart; by default only when there are several. */
  legend?: boolean;
}

const H = 200; // as .chart svg in styles.css
const PAD = { top: 10, right: 10, bottom: 24, left: 44 };
/** The room a day's label ("11-29") needs on the x axis, in pixels. */
const LABEL_ROOM = 40;

/**
 * The y axis's ticks for an axis from 0 to `peak`: its ends and its middle; on an axis of counts
 * (`counts`) only whole numbers, so a peak of 1 is not labelled "0, 1, 1" (the middle, 0.5, rounded).
 */
export function axisTicks(peak: number, counts: boolean): number[] {
  return [0, peak / 2, peak].filter((v, i, all) => (!counts || Number.isInteger(v)) && all.indexOf(v) === i);
}

/** Every how many days the x axis labels a day, so that `days` labels fit `plotWidth` pixels. */
export function labelEvery(days: number, plotWidth: number): number {
  const fit = Math.max(1, Math.floor(plotWidth / LABEL_ROOM));
  return Math.max(1, Math.ceil(days / fit));
}

/** The element's width in CSS pixels, following it as it changes (`initial` before it is measured). */
function useWidth<T extends Element>(initial: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const measure = (): void => {
      const measured = Math.round(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(measured);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function Chart(props: ChartProps) {
  const id = useId();
  const [svg, W] = useWidth<SVGSVGElement>(640);
  const format = props.format ?? ((v: number) => String(Math.round(v)));
  const n = props.labels.length;
  const totals = props.labels.map((_, i) => props.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const peak = props.max ?? niceMax(props.kind === "stacked" ? Math.max(0, ...totals) : Math.max(0, ...props.series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (n ? (i + 0.5) * (plotW / n) : 0);
  const y = (v: number): number => PAD.top + plotH - (peak ? (v / peak) * plotH : 0);
  const barW = n ? Math.max(1, (plotW / n) * (props.kind === "bars" ? 0.8 / Math.max(1, props.series.length) : 0.7)) : 0;
  const every = labelEvery(n, plotW);
  return (
    <figure class="chart">
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      <svg ref={svg} viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <desc id={`${id}-desc`}>{props.summary}</desc>
        {axisTicks(peak, props.format === undefined).map((v) => (
          <g key={v} class="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        {props.labels.map((label, i) =>
          i % every === 0 ? (
            <text key={label} class="xlabel" x={x(i)} y={H - 6} text-anchor="middle">
              {label.slice(5)}
            </text>
          ) : null,
        )}
        {props.kind === "line"
          ? props.series.map((s, si) => (
              <polyline key={s.name} class={`line s${si}`} points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} />
            ))
          : props.labels.map((label, i) => {
              let base = 0;
              return (
                <g key={label}>
                  {props.series.map((s, si) => {
                    const v = s.values[i] ?? 0;
                    const left = props.kind === "stacked" ? x(i) - barW / 2 : x(i) - (barW * props.series.length) / 2 + si * barW;
                    const top = props.kind === "stacked" ? y(base + v) : y(v);
                    const height = props.kind === "stacked" ? y(base) - y(base + v) : y(0) - y(v);
                    if (props.kind === "stacked") base += v;
                    return (
                      <rect key={s.name} class={`bar s${si}`} x={left} y={top} width={barW} height={Math.max(0, height)}>
                        <title>{`${label} · ${s.name}: ${format(v)}`}</title>
                      </rect>
                    );
                  })}
                </g>
              );
            })}
      </svg>
      {(props.legend ?? props.series.length > 1) && props.series.length > 0 && (
        <ul class="legend" aria-hidden="true">
          {props.series.map((s, si) => (
            <li key={s.name}>
              <span class={`swatch s${si}`} /> {s.name}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Data</summary>
        <div class="table-scroll">
          <table class="table compact">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {props.series.map((s) => (
                  <th key={s.name} scope="col">{s.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {props.series.map((s) => (
                    <td key={s.name}>{format(s.values[i] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** A round axis maximum at or above `value` (1, 2 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

// Hash routing (`#/bots/pizzeria/intents/greet`): works from any static host without rewrite rules.
// A page with unsaved work can guard leaving it: every change of address (a link, Back/Forward,
// a typed address, navigate()) asks the guard first, and a refused change is undone.

import { useEffect, useState } from "preact/hooks";

/** The address's segments, decoded; null when it cannot be decoded (a mangled `%` escape). */
export function currentPath(): string[] | null {
  try {
    return location.hash
      .replace(/^#\/?/, "")
      .split("/")
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/** Asked before the address changes; `to` is null when leaving the console (signing out). */
export type LeaveGuard = (to: string[] | null) => boolean;

let guard: LeaveGuard | null = null;
const listeners = new Set<() => void>();
let shown = ""; // the address the console shows
let position = 0; // its place in the tab's history, stamped on each entry as `parleyRoute`

/** Install `check` as the guard; returns its removal. */
export function guardLeaving(check: LeaveGuard): () => void {
  guard = check;
  return () => {
    if (guard === check) guard = null;
  };
}

export function mayLeave(to: string[] | null): boolean {
  return guard?.(to) ?? true;
}

function stamped(): number | undefined {
  const state: unknown = history.state;
  return typeof state === "object" && state !== null && "parleyRoute" in state ? Number(state.parleyRoute) : undefined;
}

function stamp(index: number): void {
  history.replaceState({ ...(history.state as object | null), parleyRoute: index }, "");
}

function changed(): void {
  if (location.hash === shown) return; // back where we were: a refused change being undone
  const entry = stamped();
  if (!mayLeave(currentPath())) {
    // A new entry (link, typed address) is undone by going back; Back/Forward by going the other way.
    if (entry === undefined) history.back();
    else history.go(position - entry);
    return;
  }
  shown = location.hash;
  position = entry ?? position + 1;
  if (entry === undefined) stamp(position);
  for (const listener of listeners) listener();
}

function listen(listener: () => void): () => void {
  if (listeners.size === 0) {
    shown = location.hash;
    if (stamped() === undefined) stamp(position);
    else position = stamped()!;
    addEventListener("hashchange", changed);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) removeEventListener("hashchange", changed);
  };
}

export function useRoute(): string[] | null {
  const [path, setPath] = useState(currentPath);
  useEffect(() => listen(() => setPath(currentPath())), []);
  return path;
}

export function href(...segments: string[]): string {
  return `#/${segments.map((s) => encodeURIComponent(s)).join("/")}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments);
}

/**
 * Show `segments` in place of the current address, at once and without asking the guard: the item
 * shown was renamed (or put back) in the same draft. No new history entry, since the old address
 * names nothing now; the page renders the new address with the draft change that made it.
 */
export function replaceRoute(...segments: string[]): void {
  history.replaceState(history.state, "", href(...segments));
  shown = location.hash;
  for (const listener of listeners) listener();
}

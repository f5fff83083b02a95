// Hash routing (`#/bots/pizzeria/intents/greet`): works from any static host without rewrite rules.

import { useEffect, useState } from "preact/hooks";

export function currentPath(): string[] {
  return location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => decodeURIComponent(segment));
}

export function useRoute(): string[] {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = (): void => setPath(currentPath());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return path;
}

export function href(...segments: string[]): string {
  return `#/${segments.map((s) => encodeURIComponent(s)).join("/")}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments);
}

// The entities the NLU read in a message, as the test chat and the conversations' transcripts show
// them: `entity=value`, compactly, so a reviewer sees what was read even when no parameter kept it.

/** How long a value is shown before it is cut (the whole of it is in the chip's title). */
export const SHOWN_VALUE_CHARS = 40;

export interface EntityRead {
  entity: string;
  value: unknown;
  start?: number;
  end?: number;
}

/** A value as a chip shows it: text as it is, anything else as JSON (a date's parts, a number). */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "–";
  return JSON.stringify(value) ?? String(value);
}

/** `entity=value`, the value cut to `SHOWN_VALUE_CHARS` with an ellipsis. */
export function chipText(read: EntityRead): string {
  const text = valueText(read.value);
  const shown = text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS - 1)}…` : text;
  return `${read.entity}=${shown}`;
}

/**
 * The entities of a turn as stored, those without a name left out (a turn document is the
 * server's, and an older one may hold anything), each once: the same entity and value read at
 * two places is shown once.
 */
export function entitiesToShow(entities: readonly unknown[] | undefined): EntityRead[] {
  const shown = new Map<string, EntityRead>();
  for (const candidate of entities ?? []) {
    if (typeof candidate !== "object" || candidate === null) continue;
    const read = candidate as Partial<EntityRead>;
    if (typeof read.entity !== "string" || !read.entity) continue;
    shown.set(`${read.entity}\u0000${valueText(read.value)}`, { ...read, entity: read.entity, value: read.value });
  }
  return [...shown.values()];
}

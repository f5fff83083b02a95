// The NLU's built-in entities, which a parameter may take without the bot declaring them, and what
// a parameter's Entity select offers: free text, the built-ins, the bot's own entities.

/** As `parley_messages.BUILTIN_ENTITIES` (libs/messages; builtins.test.ts holds them equal). */
export const BUILTIN_ENTITIES: readonly string[] = ["number", "ordinal", "duration", "date", "time"];

/** What the NLU gives for each built-in, for the option's label. */
const GIVES: Record<string, string> = {
  number: "four → 4",
  ordinal: "third → 3",
  duration: "an hour → 3600 seconds",
  date: "tomorrow → an ISO date",
  time: "7:30 pm → 19:30",
};

export interface EntityOption {
  value: string;
  label: string;
}

export interface EntityOptions {
  builtins: EntityOption[];
  own: EntityOption[];
  /** The parameter's entity when the bot neither declares it nor has it built in; else null. */
  unknown: EntityOption | null;
}

/**
 * The options for a parameter's entity, given the names the bot declares and the one the parameter
 * has now. A declared entity of a built-in's name replaces the built-in (decision 49), so that
 * built-in is not offered; a name neither declared nor built in is still offered, so the select
 * shows what the parameter has rather than a blank.
 */
export function entityOptions(declared: readonly string[], current: string | null | undefined): EntityOptions {
  const own = new Set(declared);
  const builtins = BUILTIN_ENTITIES.filter((name) => !own.has(name)).map((name) => ({
    value: name,
    label: `${name} (${GIVES[name] ?? "built in"})`,
  }));
  const owned = [...own].map((name) => ({
    value: name,
    label: BUILTIN_ENTITIES.includes(name) ? `${name} (the bot's own, in place of the built-in)` : name,
  }));
  const known = !current || own.has(current) || BUILTIN_ENTITIES.includes(current);
  const unknown = known ? null : { value: current, label: `${current} (not an entity of this bot)` };
  return { builtins, own: owned, unknown };
}

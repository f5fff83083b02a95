import { describe, expect, it } from "vitest";
import { ITEM_NAME_RULE } from "./names";
import { entityRenameRefusal, intentRenameRefusal, renameEntity, renameIntent, retarget } from "./rename";
import type { BotDefinition } from "./types";

const bot: BotDefinition = {
  name: "pizzeria",
  settings: { welcome_intent: "hello", cancel_intent: "hello" },
  intents: [
    { id: "hello", examples: ["hi"], buttons: [{ title: "Order", payload: "/order" }] },
    {
      id: "order",
      examples: ["a pizza", { text: "a large pizza", entities: [{ entity: "size", start: 2, end: 7 }] }],
      parameters: [
        { name: "size", entity: "size", choices: ["small", "/order_more", "/hello"] },
        { name: "guests", entity: "number" },
        { name: "note", entity: null },
      ],
      buttons: [
        { title: "Start over", payload: ' /hello{"fresh": true}' },
        { title: "More", payload: "/order_more" },
        { title: "Say", payload: "hello" },
      ],
    },
    { id: "fallback", replies: ["Sorry?"] },
  ],
  entities: [{ name: "size", values: [{ value: "large" }] }, { name: "topping" }],
};

describe("retarget", () => {
  it("renames the intent a payload triggers, keeping its slots and spacing", () => {
    expect(retarget("/order", "order", "order_pizza")).toBe("/order_pizza");
    expect(retarget(' /order {"size": "large"}', "order", "order_pizza")).toBe(' /order_pizza {"size": "large"}');
  });

  it("leaves text and other intents' payloads alone, even ones starting with the id", () => {
    for (const payload of ["order", "/order_more", "/order.v2", "I /order", "/orders{}"]) {
      expect(retarget(payload, "order", "order_pizza")).toBe(payload);
    }
  });
});

describe("renameIntent", () => {
  it("renames the intent and the settings, buttons and choices that name it, and nothing else", () => {
    const renamed = renameIntent(bot, "hello", "greet");
    expect(renamed.intents?.map((i) => i.id)).toEqual(["greet", "order", "fallback"]);
    expect(renamed.settings).toEqual({ welcome_intent: "greet", cancel_intent: "greet" });
    expect(renamed.intents?.[1]?.buttons?.map((b) => b.payload)).toEqual([' /greet{"fresh": true}', "/order_more", "hello"]);
    expect(renamed.intents?.[1]?.parameters?.[0]?.choices).toEqual(["small", "/order_more", "/greet"]);
    expect(renamed.intents?.[0]?.examples).toEqual(["hi"]);
  });

  it("gives an unset setting the new id when the intent had its role by the setting's default", () => {
    const renamed = renameIntent(bot, "fallback", "not_understood");
    expect(renamed.settings).toEqual({ welcome_intent: "hello", cancel_intent: "hello", fallback_intent: "not_understood" });
    expect(renameIntent({ name: "b", intents: [{ id: "cancel" }] }, "cancel", "stop").settings).toEqual({ cancel_intent: "stop" });
  });

  it("leaves the definition it is given as it was", () => {
    const before = structuredClone(bot);
    renameIntent(bot, "hello", "greet");
    expect(bot).toEqual(before);
  });
});

describe("intentRenameRefusal", () => {
  it("refuses a name against the name rule, as creating one does", () => {
    expect(intentRenameRefusal(bot, "order", "order pizza")).toBe(ITEM_NAME_RULE);
    expect(intentRenameRefusal(bot, "order", "x".repeat(65))).toBe(ITEM_NAME_RULE);
  });

  it("refuses another intent's id", () => {
    expect(intentRenameRefusal(bot, "order", "fallback")).toBe("An intent “fallback” exists already.");
  });

  it("refuses a name a setting or a payload gives a role without an intent, which the renamed one would take", () => {
    expect(intentRenameRefusal(bot, "order", "cancel")).toBeNull(); // the setting names "hello"
    const unset = { ...bot, settings: {} };
    expect(intentRenameRefusal(unset, "order", "cancel")).toMatch(/^“cancel” is the cancel intent in Settings/);
    expect(intentRenameRefusal(unset, "order", "init_conversation")).toMatch(/the welcome intent/);
    expect(intentRenameRefusal(bot, "hello", "order_more")).toMatch(/^A button or choice triggers “order_more”/);
  });

  it("accepts a free name, and the current one", () => {
    expect(intentRenameRefusal(bot, "order", "order_pizza")).toBeNull();
    expect(intentRenameRefusal(bot, "order", "order")).toBeNull();
  });
});

describe("renameEntity", () => {
  it("renames the entity and the parameters and labels that use it, and nothing else", () => {
    const renamed = renameEntity(bot, "size", "pizza_size");
    expect(renamed.entities?.map((e) => e.name)).toEqual(["pizza_size", "topping"]);
    expect(renamed.intents?.[1]?.parameters?.map((p) => p.entity)).toEqual(["pizza_size", "number", null]);
    expect(renamed.intents?.[1]?.examples).toEqual(["a pizza", { text: "a large pizza", entities: [{ entity: "pizza_size", start: 2, end: 7 }] }]);
    expect(renamed.intents?.[1]?.parameters?.[0]?.name).toBe("size");
    expect(bot.entities?.[0]?.name).toBe("size");
  });
});

describe("entityRenameRefusal", () => {
  it("refuses a name against the rule, another entity's, and one parameters or labels use already", () => {
    expect(entityRenameRefusal(bot, "size", "pizza size")).toBe(ITEM_NAME_RULE);
    expect(entityRenameRefusal(bot, "size", "topping")).toBe("An entity “topping” exists already.");
    expect(entityRenameRefusal(bot, "size", "number")).toMatch(/^Parameters or labels of this bot use “number” already/);
  });

  it("accepts a free name, a built-in's that nothing uses, and the current one", () => {
    expect(entityRenameRefusal(bot, "size", "pizza_size")).toBeNull();
    expect(entityRenameRefusal(bot, "size", "date")).toBeNull();
    expect(entityRenameRefusal(bot, "size", "size")).toBeNull();
  });
});

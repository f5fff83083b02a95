// A tab's id lives in sessionStorage, which a browser's "Duplicate tab" copies: the copy would hold
// the original's id, and each would send, send again and take the answers of the other's messages.
// So each page that inherited its id says on a BroadcastChannel which id it holds, and every page
// answers one that claims its own: of two live pages holding one id, the younger (the duplicate,
// loaded after its original) takes a new one. The same tab's next page is no duplicate: the page
// before it is gone (or frozen in the back-forward cache, whose page closes its channel first).

/** How long a page that inherited its tab's id waits for another page holding it to answer. */
export const CLAIM_WAIT_MS = 250;

interface Holding {
  type: "holding";
  tab: string;
  /** The page that holds it, and since when (ms): the younger of two gives it up. */
  page: string;
  since: number;
  /** An answer to another page's claim, which is not answered back. */
  answer: boolean;
}

/** What a page needs of a BroadcastChannel (a fake one in tests). */
export interface Channel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface TabClaimOptions {
  /** The page's tab id now. */
  tab: () => string;
  /** Give the id up: another live page holds it. */
  renew: () => void;
  /** Opens the site's channel; null where the browser has none (nothing is claimed there). */
  open?: (name: string) => Channel | null;
  since?: number;
  page?: string;
}

export class TabClaim {
  private channel: Channel | null = null;
  private isSettled = false;
  private waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly open: (name: string) => Channel | null;
  private readonly since: number;
  private readonly page: string;
  /** Left for the back-forward cache: deaf until shown again, when the page claims its id anew. */
  private readonly onPageHide = (): void => this.close();
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (!event.persisted) return;
    this.listen();
    this.say(false);
  };

  constructor(
    private readonly name: string,
    private readonly options: TabClaimOptions,
  ) {
    this.open = options.open ?? openBroadcastChannel;
    this.since = options.since ?? performance.timeOrigin + performance.now();
    this.page = options.page ?? `${Math.random()}`.slice(2);
  }

  /**
   * Answer other pages' claims and, when `inherited` (the id came from sessionStorage, so another tab
   * may hold it too), claim it: `settled` callbacks run once the claim has had its answer time.
   */
  start(inherited: boolean): void {
    globalThis.addEventListener?.("pagehide", this.onPageHide);
    globalThis.addEventListener?.("pageshow", this.onPageShow);
    this.listen();
    if (!this.channel || !inherited) return this.settle();
    this.say(false);
    this.timer = setTimeout(() => this.settle(), CLAIM_WAIT_MS);
  }

  /** Run `then` once this page's id is its own as far as it can tell: at once, when it is settled. */
  settled(then: () => void): void {
    if (this.isSettled) then();
    else this.waiting.push(then);
  }

  /** Stop answering and claiming (the widget was removed): what waits for the claim runs on the next `start`. */
  stop(): void {
    globalThis.removeEventListener?.("pagehide", this.onPageHide);
    globalThis.removeEventListener?.("pageshow", this.onPageShow);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.close();
  }

  private listen(): void {
    if (this.channel) return;
    this.channel = this.open(this.name);
    if (this.channel) this.channel.onmessage = (event) => this.heard(event.data);
  }

  private close(): void {
    this.channel?.close();
    this.channel = null;
  }

  private heard(data: unknown): void {
    const other = data as Partial<Holding> | null;
    if (other?.type !== "holding" || other.tab !== this.options.tab() || other.page === this.page) return;
    if (this.isYoungerThan(other.since ?? 0, other.page ?? "")) this.options.renew();
    else if (!other.answer) this.say(true);
  }

  private isYoungerThan(since: number, page: string): boolean {
    return this.since > since || (this.since === since && this.page > page);
  }

  private say(answer: boolean): void {
    const holding: Holding = { type: "holding", tab: this.options.tab(), page: this.page, since: this.since, answer };
    this.channel?.postMessage(holding);
  }

  private settle(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.isSettled = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const then of waiting) then();
  }
}

function openBroadcastChannel(name: string): Channel | null {
  try {
    return typeof BroadcastChannel === "function" ? new BroadcastChannel(name) : null;
  } catch {
    return null; // a sandboxed frame may refuse it
  }
}

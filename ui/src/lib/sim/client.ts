import type { SimAnswer, SimRequest } from './protocol.ts';

/** The page's end of the simulator worker: one request at a time, answered in order. */
export class SimClient {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, (answer: SimAnswer) => void>();
  #next = 0;

  constructor() {
    this.#worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
    this.#worker.onmessage = (event: MessageEvent<{ id: number; answer: SimAnswer }>) => {
      this.#waiting.get(event.data.id)?.(event.data.answer);
      this.#waiting.delete(event.data.id);
    };
    // A worker that cannot load or run answers nothing: every request waiting hears why instead of hanging.
    const fail = (message: string) => {
      for (const resolve of this.#waiting.values()) resolve({ ok: false, message });
      this.#waiting.clear();
    };
    this.#worker.onerror = (event) => fail(`The simulator stopped: ${event.message || 'it could not start'}.`);
    this.#worker.onmessageerror = () => fail('The simulator could not read a message.');
  }

  ask(request: SimRequest): Promise<SimAnswer> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      // Svelte's state proxies cannot be cloned: send plain copies.
      this.#worker.postMessage({ id, request: JSON.parse(JSON.stringify(request)) as SimRequest });
    });
  }

  close(): void {
    this.#worker.terminate();
  }
}

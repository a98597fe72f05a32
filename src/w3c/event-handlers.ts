/**
 * `on<event>` handler properties (HTML "event handler IDL attributes") for EventTarget
 * subclasses: setting `pc.onicecandidate = fn` registers fn as a listener, replacing the
 * previous handler, and reading returns it. Defined once per class on its prototype.
 */

type Handler = ((this: EventTarget, ev: Event) => unknown) | null;

const handlerStore = new WeakMap<EventTarget, Map<string, { handler: Handler; listener: EventListener }>>();

export function defineEventHandlers(proto: EventTarget, events: readonly string[]): void {
  for (const type of events) {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget): Handler {
        return handlerStore.get(this)?.get(type)?.handler ?? null;
      },
      set(this: EventTarget, handler: Handler) {
        let map = handlerStore.get(this);
        if (!map) {
          map = new Map();
          handlerStore.set(this, map);
        }
        const previous = map.get(type);
        if (previous) this.removeEventListener(type, previous.listener);
        if (typeof handler !== 'function') {
          map.delete(type);
          return;
        }
        const listener: EventListener = (ev) => {
          handler.call(this, ev);
        };
        map.set(type, { handler, listener });
        this.addEventListener(type, listener);
      },
    });
  }
}

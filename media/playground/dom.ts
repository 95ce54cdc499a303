/** A small element builder: `h('button', { class: 'x', onclick }, 'Send')`. */
type Attrs = Record<string, string | number | boolean | undefined | ((event: never) => void)>;
type Child = Node | string | undefined | null | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener);
    else if (name === 'class') element.className = String(value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== undefined && child !== null && child !== false) element.append(child);
  return element;
}

let counter = 0;
/** A document-unique id for ARIA references. */
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

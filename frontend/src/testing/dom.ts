/** The form control a <label> with exactly this text points at. */
export function byLabel<T extends HTMLElement = HTMLInputElement>(root: HTMLElement, text: string): T {
  const label = Array.from(root.querySelectorAll('label')).find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`No label "${text}"`);
  const control = label.htmlFor ? root.querySelector(`[id="${label.htmlFor}"]`) : label.querySelector('input, textarea, select');
  if (!control) throw new Error(`Label "${text}" has no control`);
  return control as T;
}

/** The button whose accessible text is exactly this. */
export function byButton(root: HTMLElement, text: string): HTMLButtonElement {
  const button = Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.trim() === text);
  if (!button) throw new Error(`No button "${text}"`);
  return button;
}

export function typeInto(control: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true }));
}

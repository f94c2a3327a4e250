import { TestBed } from '@angular/core/testing';
import { AVATAR_COLORS, Avatar, avatarColor, initials } from './avatar';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const n = parseInt(hex.slice(1), 16);
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('avatars', () => {
  it('gives white initials at least 4.5:1 contrast on every colour', () => {
    for (const color of AVATAR_COLORS) expect(contrast(color, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('derives a stable colour from the user id, spread over the palette', () => {
    const id = '3f0c6a52-2d1b-4c1e-9a8e-5b7d2f9e4c10';
    expect(avatarColor(id)).toBe(avatarColor(id));
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const used = new Set(ids.map(avatarColor));
    expect(used.size).toBeGreaterThanOrEqual(AVATAR_COLORS.length - 2);
    for (const color of used) expect(AVATAR_COLORS).toContain(color);
  });

  it('takes the initials of the first and last words', () => {
    expect(initials('Alice Liddell')).toBe('AL');
    expect(initials('  bob  ')).toBe('B');
    expect(initials('Jean-Luc de la Picard')).toBe('JP');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('🦊 fox')).toBe('🦊F');
    expect(initials('')).toBe('?');
  });

  it('renders the initials, hidden from screen readers, on the colour', async () => {
    const fixture = TestBed.createComponent(Avatar);
    fixture.componentRef.setInput('userId', 'u-1');
    fixture.componentRef.setInput('name', 'Bob Builder');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.textContent?.trim()).toBe('BB');
    expect(el.getAttribute('aria-hidden')).toBe('true');
    expect(el.style.backgroundColor).not.toBe('');
  });
});

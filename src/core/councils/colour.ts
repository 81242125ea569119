/**
 * Colour contrast as WCAG 2.2 defines it (1.4.3, relative luminance), for a
 * council's header colour: the GOV.UK header sets white text on it, so white
 * must reach 4.5:1 against it (level AA for normal text).
 *
 * @example contrastWithWhite('#1d70b8') // 5.17…
 */
export const MIN_HEADER_CONTRAST = 4.5;

const channel = (v: number) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

export function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

export const isHexColour = (s: string) => /^#[0-9a-f]{6}$/i.test(s);

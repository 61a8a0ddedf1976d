/**
 * The bench's figures as an SVG chart (bench/results/latest.svg, shown in the README): one bar per figure that has
 * a numeric target, each on its own scale with the target at the dashed line, so figures in ms, s, ratios and
 * units sit in one picture; green when the target is met, red when not.
 */

export interface ChartFigure {
  readonly name: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean | undefined;
}

const LABEL_WIDTH = 430;
const BAR_SPACE = 360;
const ROW = 24;
const TOP = 50;

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `≤ 0.5`, `≥ 0.6`, `≤ 20 ms`: the bound, or undefined for a target that is not a number. */
export const boundOf = (target: string): number | undefined => {
  const match = /^[≤≥<>]=?\s*([\d.]+)/.exec(target);
  const bound = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  return Number.isFinite(bound) && bound > 0 ? bound : undefined;
};

export const renderBenchChart = (figures: readonly ChartFigure[], caption: string): string => {
  const charted = figures.flatMap((figure) => {
    const bound = boundOf(figure.target);
    return bound === undefined || figure.met === undefined ? [] : [{ ...figure, bound }];
  });
  const width = LABEL_WIDTH + BAR_SPACE + 140;
  const height = TOP + charted.length * ROW + 20;
  const targetX = LABEL_WIDTH + BAR_SPACE / 2;
  const rows = charted.map((figure, index) => {
    const y = TOP + index * ROW;
    // The target sits at half the bar space; a value of twice the target or more fills it.
    const length = Math.max(1, Math.min(BAR_SPACE, (figure.value / figure.bound) * (BAR_SPACE / 2)));
    const value = Number.isInteger(figure.value) ? String(figure.value) : figure.value.toFixed(2);
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeXml(figure.name)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${length.toFixed(1)}" height="${ROW - 8}" fill="${figure.met ? '#4caf50' : '#e53935'}"/>`,
      `<text x="${LABEL_WIDTH + BAR_SPACE + 8}" y="${y + 15}">${escapeXml(`${value} (target ${figure.target})`)}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${escapeXml(caption)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">${escapeXml(caption)}</text>`,
    `<text x="${targetX}" y="${TOP - 6}" text-anchor="middle" fill="#555">target</text>`,
    ...rows,
    `<line x1="${targetX}" y1="${TOP}" x2="${targetX}" y2="${TOP + charted.length * ROW}" stroke="#333" stroke-dasharray="4 3"/>`,
    '</svg>',
    '',
  ].join('\n');
};

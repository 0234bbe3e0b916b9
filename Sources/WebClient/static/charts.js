// Small SVG charts: a half-circle gauge and horizontal bars. Colours come from CSS variables.
const NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function polar(cx, cy, r, fraction) {
  const angle = Math.PI * (1 - fraction);
  return [cx + r * Math.cos(angle), cy - r * Math.sin(angle)];
}

function arc(cx, cy, r, from, to) {
  const [x1, y1] = polar(cx, cy, r, from);
  const [x2, y2] = polar(cx, cy, r, to);
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${r} ${r} 0 0 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

/**
 * A gauge for `value` in [min, max] with coloured bands `[{to, class}]` (fractions 0…1),
 * labelled at both ends; `label` describes it for screen readers.
 */
export function gauge(value, { min = -1, max = 1, bands, startLabel, endLabel, valueText, label }) {
  const fraction = Math.max(0, Math.min(1, (value - min) / (max - min)));
  const root = svg("svg", { viewBox: "0 0 240 150", class: "gauge", role: "img", "aria-label": label });
  let from = 0;
  for (const band of bands) {
    root.append(svg("path", { d: arc(120, 105, 80, from, band.to), class: "gauge-band " + band.class }));
    from = band.to;
  }
  const [nx, ny] = polar(120, 105, 62, fraction);
  root.append(
    svg("line", { x1: 120, y1: 105, x2: nx.toFixed(2), y2: ny.toFixed(2), class: "gauge-needle" }),
    svg("circle", { cx: 120, cy: 105, r: 6, class: "gauge-hub" }),
    svg("text", { x: 120, y: 140, class: "gauge-value", "text-anchor": "middle" }, valueText),
    svg("text", { x: 40, y: 126, class: "gauge-end", "text-anchor": "middle" }, startLabel),
    svg("text", { x: 200, y: 126, class: "gauge-end", "text-anchor": "middle" }, endLabel));
  return root;
}

/** Horizontal bars for `[{label, value}]`, longest first as given; `format` prints the values. */
export function bars(items, { label, format = (value) => value.toLocaleString() } = {}) {
  const rowHeight = 26;
  const labelWidth = 130;
  const width = 420;
  const maxValue = Math.max(1, ...items.map((item) => item.value));
  const root = svg("svg", { viewBox: `0 0 ${width} ${items.length * rowHeight + 4}`, class: "bars", role: "img", "aria-label": label });
  items.forEach((item, index) => {
    const y = index * rowHeight + 2;
    const length = Math.max(2, ((width - labelWidth - 60) * item.value) / maxValue);
    root.append(
      svg("text", { x: labelWidth - 8, y: y + 17, class: "bar-label", "text-anchor": "end" }, truncate(item.label, 18)),
      svg("rect", { x: labelWidth, y: y + 4, width: length.toFixed(1), height: rowHeight - 10, rx: 3, class: "bar" }),
      svg("text", { x: labelWidth + length + 6, y: y + 17, class: "bar-value" }, format(item.value)));
  });
  return root;
}

/** A stacked bar of shares `[{label, value, class}]` summing to about 1. */
export function shares(parts, { label }) {
  const root = svg("svg", { viewBox: "0 0 400 20", class: "shares", role: "img", "aria-label": label, preserveAspectRatio: "none" });
  let x = 0;
  for (const part of parts) {
    const width = Math.max(0, part.value * 400);
    root.append(svg("rect", { x: x.toFixed(1), y: 0, width: width.toFixed(1), height: 20, class: part.class }));
    x += width;
  }
  return root;
}

function truncate(text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

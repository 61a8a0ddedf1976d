// What the console's scripts build their rows with: text only (textContent), never parsed as HTML.

export const $ = (selector) => document.querySelector(selector);

/** An element with text and attributes; children are appended as given. */
export const element = (tag, { text, className, attributes = {} } = {}, ...children) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== undefined));
  return node;
};

export const timeOf = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString([], { hour12: false });
};

export const replaceRows = (body, rows) => {
  body.replaceChildren(...rows);
};

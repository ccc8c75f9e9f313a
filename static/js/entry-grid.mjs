// A return's entry page (templates/approvals/submission_edit.html): a warning before leaving
// with figures not yet saved, and, on the performance grid, each cell's figure and rating as
// it is typed. The rating follows performance/rag.py exactly (whole numbers and exact
// fractions, never a rounded figure); the server works it out again on every page and save.
const form = document.querySelector("form[data-entry-form]");

const CHIPS = {
  green: ["Green", "green"],
  amber: ["Amber", "yellow"],
  red: ["Red", "red"],
  grey: ["No target", "grey"],
};

// A typed whole number as the server reads it ("1,234" is 1234), or null.
const whole = (text) => {
  const plain = text.trim().replaceAll(",", "");
  return /^\d+$/.test(plain) ? BigInt(plain) : null;
};

// A decimal written with at most two places ("85.00", "2.5") in hundredths: 8500n, 250n.
const hundredths = (text) => {
  const [units, places = ""] = text.split(".");
  return BigInt(units) * 100n + BigInt((places + "00").slice(0, 2));
};

// num / den rounded half up to `places` decimals, as text (num, den >= 0, den > 0).
const rounded = (num, den, places) => {
  const scale = 10n ** BigInt(places);
  const tenths = (2n * num * scale + den) / (2n * den);
  if (places === 0) return tenths.toString();
  const text = tenths.toString().padStart(places + 1, "0");
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
};

// The exact value as [numerator, denominator], or null for no data (performance/rag.py value_of).
const valueOf = (num, den, unit) => {
  if (num === null) return null;
  if (unit === "percentage" || unit === "ratio") {
    if (!den) return null;
    if (unit === "percentage" && num > den) return null; // refused on saving: no figure
    return [num * (unit === "percentage" ? 100n : 1n), den];
  }
  return [num, 1n];
};

// The status as performance/rag.py rate() gives it.
const statusOf = (value, rule) => {
  if (rule.polarity === "context") return "none";
  if (value === null || rule.target === null) return "grey";
  const [top, bottom] = value;
  // shortfall = target - value (higher is better), in hundredths over `bottom`
  const target = hundredths(rule.target) * bottom;
  const tolerance = hundredths(rule.tolerance ?? "0") * bottom;
  const shortfall = rule.polarity === "higher" ? target - top * 100n : top * 100n - target;
  if (shortfall <= 0n) return "green";
  return shortfall <= tolerance ? "amber" : "red";
};

const shown = (value, unit) => {
  if (value === null) return "";
  const text = rounded(value[0], value[1], unit === "count" ? 0 : 1);
  if (unit === "percentage") return `${text}%`;
  return unit === "days" ? `${text} days` : text;
};

const rateCell = (cell, rules) => {
  const rule = rules.indicators[cell.dataset.indicator];
  const box = (part) => cell.querySelector(`input[data-part="${part}"]`);
  const num = whole(box("numerator").value);
  const denBox = box("denominator");
  const den = denBox ? whole(denBox.value) : null;
  const value = valueOf(num, den, rule.unit);
  const chip = value === null ? null : CHIPS[statusOf(value, rule)];
  // A figure with a denominator is worked out; a number is as typed, so only rated.
  cell.querySelector("[data-result]").textContent = denBox ? shown(value, rule.unit) : "";
  const tag = cell.querySelector("[data-rag]");
  tag.hidden = !chip;
  tag.textContent = chip ? chip[0] : "";
  tag.className = `govuk-tag govuk-tag--${chip ? chip[1] : "grey"}`;
  const small =
    denBox && (rule.unit === "percentage" || rule.unit === "ratio") && den !== null &&
    den > 0n && den < BigInt(rules.small_number);
  cell.querySelector("[data-small]").textContent = small ? "small numbers" : "";
};

const liveRatings = () => {
  const data = document.getElementById("entry-rules");
  if (!data) return;
  const rules = JSON.parse(data.textContent);
  form.addEventListener("input", (event) => {
    const cell = event.target.closest("[data-cell]");
    if (cell) rateCell(cell, rules);
  });
};

// Unsaved: any box differs from what the page loaded with, or the page itself shows
// figures a save refused (data-unsaved). Submitting the form is leaving on purpose.
const unsavedWarning = () => {
  let leaving = false;
  const status = form.querySelector("[data-unsaved-status]");
  const changed = () =>
    form.hasAttribute("data-unsaved") ||
    [...form.elements].some(
      (el) => (el.type === "text" || el.tagName === "TEXTAREA") && el.value !== el.defaultValue,
    );
  form.addEventListener("input", () => {
    if (status) status.textContent = changed() ? "You have unsaved changes" : "";
  });
  form.addEventListener("submit", () => {
    leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !changed()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask for this to show their warning
  });
};

// A link to a box folded in a disclosure (the check page's "needs a commentary" links to
// #id_c__CODE): open the disclosure so the box is in view, in every browser.
const openTarget = () => {
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  const folded = target && target.closest("details");
  if (folded && !folded.open) {
    folded.open = true;
    target.scrollIntoView({ block: "center" });
  }
};

if (form) {
  liveRatings();
  unsavedWarning();
  openTarget();
  window.addEventListener("hashchange", openTarget);
}

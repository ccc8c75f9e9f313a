// Draw each dashboard chart from the plotly figure JSON stored in its snapshot. The figures
// are made on the server at snapshot time; this only hands them to the strict plotly.js bundle
// (loaded before this module, no eval), so the page's CSP needs no 'unsafe-eval'. Without
// JavaScript the same figures are on the page as tables.
// No mode bar: its hover styles would need inline CSS, and every chart's figures are on the
// page as a table and downloadable as CSV or Excel anyway.
const config = { responsive: true, displayModeBar: false };

for (const element of document.querySelectorAll("[data-figure]")) {
  const source = document.getElementById(element.dataset.figure);
  if (!source || !window.Plotly) continue;
  const figure = JSON.parse(source.textContent);
  element.classList.add("tp-chart--drawn");
  window.Plotly.newPlot(element, figure.data, figure.layout, config);
}

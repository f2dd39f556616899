// Drawing helpers the views share: GeoJSON [lon, lat] → Leaflet [lat, lon], verdict colours,
// tables, a small SVG bar chart. Everything goes into `visitgis.layer` so tests can count it.
"use strict";
(() => {
  const { layer, el, t } = window.visitgis;
  const VERDICT_COLOURS = { IN_PLACE: "#1a9850", INCONCLUSIVE: "#f39c12", NOT_IN_PLACE: "#d73027",
                            PENDING: "#7f8c8d", CARRIER_UNAVAILABLE: "#7f8c8d" };
  const latLon = ([lon, lat]) => [lat, lon];

  function point(feature, style, tooltip) {
    const marker = L.circleMarker(latLon(feature.geometry.coordinates), { radius: 6, ...style });
    if (tooltip) marker.bindTooltip(tooltip);
    marker.feature = feature;
    return marker.addTo(layer);
  }
  function line(feature, style) {
    const drawn = L.polyline(feature.geometry.coordinates.map(latLon), { weight: 3, ...style });
    drawn.feature = feature;
    return drawn.addTo(layer);
  }
  function polygon(rings, style, tooltip) {
    const drawn = L.polygon(rings.map((ring) => ring.map(latLon)), { weight: 1, ...style });
    if (tooltip) drawn.bindTooltip(tooltip);
    return drawn.addTo(layer);
  }
  function multiPolygon(polygons, style, tooltip) {
    const drawn = L.polygon(polygons.map((rings) => rings.map((ring) => ring.map(latLon))), { weight: 2, ...style });
    if (tooltip) drawn.bindTooltip(tooltip);
    return drawn.addTo(layer);
  }
  function numbered(feature, n, colour, tooltip) {
    const icon = L.divIcon({ className: "stop-number", html: `<span style="background:${colour}">${n}</span>`,
                             iconSize: [22, 22] });
    const marker = L.marker(latLon(feature.geometry.coordinates), { icon });
    if (tooltip) marker.bindTooltip(tooltip);
    marker.feature = feature;
    return marker.addTo(layer);
  }
  /** A table from rows of cells; the first row is the header. */
  function table(rows, className) {
    const [head, ...body] = rows;
    return el("table", { className: className || "grid" },
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, String(h))))),
      el("tbody", {}, ...body.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c instanceof Node ? c : String(c ?? "–")))))));
  }
  /** Horizontal bars (SVG): [[label, value]…]; values ≥ 0. */
  function bars(pairs, unit) {
    const ns = "http://www.w3.org/2000/svg";
    const max = Math.max(1e-9, ...pairs.map(([, v]) => v || 0));
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "bars");
    svg.setAttribute("width", "100%");
    svg.setAttribute("viewBox", `0 0 300 ${pairs.length * 18 + 4}`);
    pairs.forEach(([label, value], i) => {
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", "110"); rect.setAttribute("y", String(i * 18 + 2));
      rect.setAttribute("height", "14"); rect.setAttribute("width", String(150 * (value || 0) / max));
      rect.setAttribute("fill", "#3182bd");
      const name = document.createElementNS(ns, "text");
      name.setAttribute("x", "0"); name.setAttribute("y", String(i * 18 + 13)); name.textContent = label;
      const amount = document.createElementNS(ns, "text");
      amount.setAttribute("x", String(114 + 150 * (value || 0) / max)); amount.setAttribute("y", String(i * 18 + 13));
      amount.textContent = value === null || value === undefined ? "–" : `${Math.round(value * 10) / 10}${unit || ""}`;
      svg.append(rect, name, amount);
    });
    return svg;
  }
  /** A CSV download of table rows (UTF-8 with BOM, so Excel reads Chinese). */
  function csvLink(rows, filename) {
    const quote = (c) => `"${String(c ?? "").replaceAll('"', '""')}"`;
    const text = "\ufeff" + rows.map((r) => r.map(quote).join(",")).join("\r\n");
    const link = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: filename,
                           className: "export" }, t("exportCsv"));
    return link;
  }
  const verdictColour = (verdict) => VERDICT_COLOURS[verdict] || "#7f8c8d";
  const panel = () => document.getElementById("panel");
  function fit() {
    if (layer.getLayers().length) window.visitgis.map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 });
  }
  const km = (m) => (m === null || m === undefined ? "–" : (m / 1000).toFixed(1));

  window.visitgis.draw = { point, line, polygon, multiPolygon, numbered, table, bars, csvLink, verdictColour, panel, fit, km, latLon };
  window.visitgis.addTexts({ zh: { exportCsv: "导出 CSV" }, en: { exportCsv: "Export CSV" } });
})();

// Verification (#/visit/<visitId>): the visit's fixes with accuracy circles, the retailer's
// threshold circle, the verdict's colour and reasons, nearer retailers, and — on demand, since
// reading it is logged — the carrier's masked request and answer.
"use strict";
(() => {
  const { gql, action, el, t, crs, draw } = window.visitgis;
  const VISIT = `query VerifyVisit($id: ID!, $crs: CoordinateSystem!) { node(id: $id) { ... on Visit {
    id verdict distanceM probabilityWithin dwellS reasons flags startedAt endedAt lateUpload evidenceReducedAt
    manager { name } retailer { name address }
    checkIn { kind radiusM distanceM probabilityWithin reasons flags
      nearerRetailers { distanceM retailer { id name position(coordinateSystem: $crs) { lat lon } } } }
    fixes { phase source accuracyM capturedAt carrier outcomeCode stale }
    verdictMap(coordinateSystem: $crs) {
      points { features { geometry { coordinates } properties { kind retailerId phase source accuracyM } } }
      circles { features { geometry { coordinates } properties { kind radiusM phase } } }
    } } } }`;
  const RAW = `query VerifyVisitRaw($id: ID!) { node(id: $id) { ... on Visit {
    fixes { phase source carrier rawRequest rawAnswer } } } }`;

  async function render([visitId], stale) {
    if (!visitId) throw new Error(t("noVisit"));
    const visit = (await gql(VISIT, { id: visitId, crs })).node;
    if (stale()) return;
    if (!visit || !visit.verdict) throw new Error(t("noVisit"));
    const colour = draw.verdictColour(visit.verdict);
    for (const circle of visit.verdictMap.circles.features) {
      const threshold = circle.properties.kind === "THRESHOLD";
      draw.polygon(circle.geometry.coordinates, threshold
        ? { color: colour, fillOpacity: 0.08, dashArray: "6 4" }
        : { color: "#2c7fb8", fillOpacity: 0.05 },
        `${t(circle.properties.kind)} ${Math.round(circle.properties.radiusM)} m`);
    }
    for (const p of visit.verdictMap.points.features) {
      const retailer = p.properties.kind === "RETAILER";
      draw.point(p, retailer ? { radius: 9, color: colour, fillColor: colour, fillOpacity: 0.9 }
                             : { radius: 5, color: "#2c7fb8", fillColor: "#2c7fb8", fillOpacity: 0.8 },
        retailer ? visit.retailer?.name : `${p.properties.phase} · ${p.properties.source} · ±${Math.round(p.properties.accuracyM)} m`);
    }
    const nearer = visit.checkIn ? visit.checkIn.nearerRetailers : [];
    for (const n of nearer) {
      if (!n.retailer) continue;
      const pos = n.retailer.position;
      draw.point({ geometry: { coordinates: [pos.lon, pos.lat] }, properties: { kind: "NEARER" } },
        { radius: 6, color: "#756bb1", fillColor: "#fff", fillOpacity: 1 }, `${n.retailer.name} · ${Math.round(n.distanceM)} m`);
    }
    const panel = draw.panel();
    const verdict = el("p", { className: visit.verdict === "IN_PLACE" ? "good" : "bad", id: "visit-verdict" },
      `${t(visit.verdict)} · ${visit.distanceM === null ? "–" : Math.round(visit.distanceM)} m` +
      (visit.probabilityWithin === null ? "" : ` · P=${visit.probabilityWithin.toFixed(2)}`));
    panel.append(
      el("h3", {}, `${visit.retailer ? visit.retailer.name : ""} · ${visit.manager ? visit.manager.name : ""}`),
      verdict,
      el("p", {}, `${t("reasons")}: ${visit.reasons.join(", ") || "–"}`),
      el("p", {}, `${t("flags")}: ${visit.flags.join(", ") || "–"}`),
      el("p", {}, `${visit.startedAt} → ${visit.endedAt || "…"} · ${visit.dwellS === null ? "–" : Math.round(visit.dwellS / 60)} min`),
      draw.table([[t("phase"), t("source"), t("accuracy"), t("carrier"), t("captured")],
        ...visit.fixes.map((f) => [f.phase, f.source, `±${Math.round(f.accuracyM)} m`, f.carrier || "–", f.capturedAt])]),
      nearer.length ? draw.table([[t("nearer"), t("distance")],
        ...nearer.map((n) => [n.retailer ? n.retailer.name : "–", `${Math.round(n.distanceM)} m`])]) : el("span"));
    const raw = el("button", { id: "visit-raw" }, t("showRaw"));
    raw.onclick = action(async () => {
      const fixes = (await gql(RAW, { id: visitId })).node.fixes.filter((f) => f.rawAnswer || f.rawRequest);
      raw.replaceWith(...(fixes.length ? fixes.map((f) => el("div", {},
        el("h4", {}, `${f.phase} · ${f.carrier}`), el("pre", { className: "raw" }, f.rawRequest || ""),
        el("pre", { className: "raw" }, f.rawAnswer || ""))) : [el("p", { id: "visit-raw-none" }, t("noRaw"))]));
    });
    if (!visit.evidenceReducedAt) panel.append(raw);
    draw.fit();
    document.body.dataset.rendered = "visit";
  }

  window.visitgis.register("visit", {
    render,
    texts: {
      zh: { noVisit: "无此拜访或无权查看", reasons: "理由", flags: "标记", phase: "阶段", source: "来源",
            accuracy: "精度", carrier: "运营商", captured: "定位时间", nearer: "更近的零售户", distance: "距离",
            showRaw: "查看运营商原始应答（将被记录）", noRaw: "无运营商应答", THRESHOLD: "到位阈值", ACCURACY: "定位精度" },
      en: { noVisit: "No such visit, or not yours to see", reasons: "Reasons", flags: "Flags", phase: "Phase",
            source: "Source", accuracy: "Accuracy", carrier: "Carrier", captured: "Captured", nearer: "Nearer retailer",
            distance: "Distance", showRaw: "Show the carrier's masked answer (logged)", noRaw: "No carrier answer",
            THRESHOLD: "in-place threshold", ACCURACY: "fix accuracy" },
    },
  });
})();

// Licence site check (#/licence/<lat>/<lon>): click a point → the spacing verdict under the
// region's minimum, conflicting and nearest licensed retailers, local density against the district.
"use strict";
(() => {
  const { gql, el, t, crs, draw, map } = window.visitgis;
  const CHECK = `query LicenceCheck($input: LicenceSiteInput!, $crs: CoordinateSystem!) {
    licenceSiteCheck(input: $input) {
      respectsSpacing minSpacingM radiusM localCount localPerKm2 districtRadiusM districtCount districtPerKm2 densityRatio
      conflicts { distanceM retailer { id name position(coordinateSystem: $crs) { lat lon } } }
      nearest { distanceM retailer { id name position(coordinateSystem: $crs) { lat lon } } } } }`;
  let clicks = null;

  async function check(lat, lon) {
    const r = (await gql(CHECK, { input: { lat, lon, coordinateSystem: crs }, crs })).licenceSiteCheck;
    window.visitgis.layer.clearLayers();
    const colour = r.respectsSpacing ? "#1a9850" : "#d73027";
    draw.point({ geometry: { coordinates: [lon, lat] }, properties: { kind: "SITE" } },
      { radius: 9, color: colour, fillColor: colour, fillOpacity: 0.9 }, t("site"));
    L.circle([lat, lon], { radius: r.minSpacingM, color: colour, fill: false, dashArray: "4 4" }).addTo(window.visitgis.layer);
    const conflicting = new Set(r.conflicts.map((c) => c.retailer && c.retailer.id));
    for (const n of r.nearest) {
      if (!n.retailer) continue;
      const pos = n.retailer.position;
      const bad = conflicting.has(n.retailer.id);
      draw.point({ geometry: { coordinates: [pos.lon, pos.lat] }, properties: { kind: bad ? "CONFLICT" : "NEAREST" } },
        { radius: 6, color: bad ? "#d73027" : "#555", fillColor: "#fff", fillOpacity: 1 }, `${n.retailer.name} · ${Math.round(n.distanceM)} m`);
    }
    const panel = draw.panel();
    panel.replaceChildren(
      el("h3", {}, t("licenceTitle")),
      el("p", { id: "licence-verdict", className: r.respectsSpacing ? "good" : "bad" },
        `${r.respectsSpacing ? t("fits") : t("tooClose")} (${t("minSpacing")} ${Math.round(r.minSpacingM)} m)`),
      el("p", {}, `${t("density")}: ${r.localPerKm2.toFixed(1)}/km² (${r.localCount}, r=${r.radiusM} m) · ${t("district")} ` +
        `${r.districtPerKm2.toFixed(1)}/km² · ${t("ratio")} ${r.densityRatio === null ? "–" : r.densityRatio.toFixed(2)}`),
      draw.table([[t("retailer"), t("distance"), ""], ...r.nearest.map((n) => [n.retailer ? n.retailer.name : "–",
        `${Math.round(n.distanceM)} m`, conflicting.has(n.retailer && n.retailer.id) ? t("conflict") : ""])]));
    document.body.dataset.rendered = "licence";
  }

  async function render([lat, lon]) {
    draw.panel().append(el("h3", {}, t("licenceTitle")), el("p", {}, t("clickMap")));
    if (clicks) map.off("click", clicks);
    clicks = (e) => { location.hash = `#/licence/${e.latlng.lat.toFixed(6)}/${e.latlng.lng.toFixed(6)}`; };
    map.on("click", clicks);
    window.visitgis.onLeave(() => { map.off("click", clicks); clicks = null; });
    if (lat && lon) await check(Number(lat), Number(lon));
    else document.body.dataset.rendered = "licence";
  }

  window.visitgis.register("licence", {
    render,
    texts: {
      zh: { licenceTitle: "新证选址核查", clickMap: "在地图上点击拟设位置", site: "拟设位置", fits: "符合间距要求",
            tooClose: "不符合间距要求", minSpacing: "最小间距", density: "周边密度", district: "所在区域",
            ratio: "比值", conflict: "冲突", retailer: "零售户", distance: "距离" },
      en: { licenceTitle: "Licence site check", clickMap: "Click the proposed position on the map", site: "Proposed site",
            fits: "Respects the spacing rule", tooClose: "Too close to licensed retailers", minSpacing: "minimum",
            density: "Local density", district: "district", ratio: "ratio", conflict: "conflict",
            retailer: "Retailer", distance: "Distance" },
    },
  });
})();

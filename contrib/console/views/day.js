// Day view (first slice): the signed-in manager's retailers on the offline basemap.
"use strict";
(() => {
  const { gql, el, t, layer, map, crs } = window.visitgis;
  const DAY = `query Day($crs: CoordinateSystem!) { viewer { manager {
    startLabel retailers(first: 100) { totalCount nodes { id name address position(coordinateSystem: $crs) { lat lon } } }
  } } }`;

  async function render() {
    performance.mark("visitgis-day-start");
    const manager = (await gql(DAY, { crs })).viewer.manager;
    if (!manager) return;
    const list = el("ol");
    for (const r of manager.retailers.nodes) {
      L.circleMarker([r.position.lat, r.position.lon], { radius: 5 }).bindTooltip(r.name).addTo(layer);
      list.append(el("li", {}, `${r.name} — ${r.address}`));
    }
    document.getElementById("panel").append(el("h3", {}, `${t("retailers")}: ${manager.retailers.totalCount}`), list);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    performance.measure("visitgis-day-render", "visitgis-day-start");
    document.body.dataset.rendered = "day";
  }

  window.visitgis.register("day", {
    render,
    texts: { zh: { retailers: "零售户" }, en: { retailers: "Retailers" } },
  });
})();

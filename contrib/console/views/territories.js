// Territories (#/territories/<proposalId>): today's territories (dashed outlines) and the
// proposal's (filled) on one map, the retailers that would move in red, the balance metrics
// current vs proposed, apply / discard for marketing; for a schedule, its visit days per weekday.
"use strict";
(() => {
  const { gql, mutate, action, el, t, crs, draw } = window.visitgis;
  const LIST = `query ProposalList { territoryProposals(first: 20) { nodes {
    id kind status createdAt retailerCount movedRetailers } } }`;
  const METRICS = `fragment TerritoryMetrics on PartitionMetrics {
    workload { cv worstDeviation } retailerCount { cv worstDeviation } orderVolume { cv worstDeviation }
    meanDistanceToCentreM fragmentedTerritories movedRetailers }`;
  const OUTLINES = `fragment TerritoryOutlines on TerritoryFeatureCollection {
    features { geometry { coordinates } properties { managerId retailers workloadMin orderVolume } } }`;
  const PROPOSAL = `query ProposalView($id: ID!, $crs: CoordinateSystem!) {
    territoryProposal(id: $id) { id kind status retailerCount movedRetailers departmentId createdAt
      proposed { ...TerritoryMetrics } current { ...TerritoryMetrics }
      schedule { totalTravelM dayHours { cv worstDeviation } maxDayHours capHours daysOverCap lateStops }
      managers { id name }
      map(coordinateSystem: $crs) { ...TerritoryOutlines }
      moves: assignments(movedOnly: true) { managerId previousManagerId retailer { name position(coordinateSystem: $crs) { lat lon } } } } }
    ${METRICS}
    ${OUTLINES}`;
  const WEEKDAYS = `query ScheduleWeekdays($id: ID!) { territoryProposal(id: $id) { assignments { weekday } } }`;
  const CURRENT = `query CurrentOutlines($department: ID, $crs: CoordinateSystem!) {
    territories(departmentId: $department) { map(coordinateSystem: $crs) { ...TerritoryOutlines } } }
    ${OUTLINES}`;
  const APPLY = `mutation ProposalApply($input: TerritoryProposalApplyInput!) {
    territoryProposalApply(input: $input) { movedRetailers userErrors { message } } }`;
  const DISCARD = `mutation ProposalDiscard($input: TerritoryProposalDiscardInput!) {
    territoryProposalDiscard(input: $input) { userErrors { message } } }`;
  const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4"];

  async function list() {
    const nodes = (await gql(LIST)).territoryProposals.nodes;
    draw.panel().append(el("h3", {}, t("proposals")), el("ul", { id: "proposal-list" },
      ...nodes.map((p) => el("li", {}, el("a", { href: `#/territories/${p.id}` },
        `${p.createdAt.slice(0, 16)} · ${t(p.kind)} · ${t(p.status)} · ${p.retailerCount} · ${t("moved")} ${p.movedRetailers ?? "–"}`)))));
    document.body.dataset.rendered = "territories";
  }

  const pct = (x) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)} %`);
  function metricRows(current, proposed) {
    const rows = [[t("measure"), t("current"), t("proposed")]];
    const pick = (m, f) => (m ? f(m) : "–");
    rows.push([t("workloadCv"), pick(current, (m) => pct(m.workload.cv)), pick(proposed, (m) => pct(m.workload.cv))]);
    rows.push([t("workloadWorst"), pick(current, (m) => pct(m.workload.worstDeviation)), pick(proposed, (m) => pct(m.workload.worstDeviation))]);
    rows.push([t("countCv"), pick(current, (m) => pct(m.retailerCount.cv)), pick(proposed, (m) => pct(m.retailerCount.cv))]);
    rows.push([t("volumeCv"), pick(current, (m) => pct(m.orderVolume.cv)), pick(proposed, (m) => pct(m.orderVolume.cv))]);
    rows.push([t("compactness"), pick(current, (m) => `${Math.round(m.meanDistanceToCentreM)} m`), pick(proposed, (m) => `${Math.round(m.meanDistanceToCentreM)} m`)]);
    rows.push([t("fragmented"), pick(current, (m) => m.fragmentedTerritories), pick(proposed, (m) => m.fragmentedTerritories)]);
    return rows;
  }

  async function act(document_, id) {
    await mutate(document_, { id });
    window.visitgis.route();
  }

  async function render([proposalId], stale) {
    if (!proposalId) return list();
    const p = (await gql(PROPOSAL, { id: proposalId, crs })).territoryProposal;
    if (stale()) return;
    if (!p) throw new Error(t("noProposal"));
    const names = new Map(p.managers.map((m) => [m.id, m.name]));
    const colour = new Map(p.managers.map((m, i) => [m.id, PALETTE[i % PALETTE.length]]));
    const panel = draw.panel();
    panel.append(el("h3", {}, `${t(p.kind)} · ${t(p.status)} · ${p.createdAt.slice(0, 16)}`));
    if (p.kind === "TERRITORIES") {
      const current = (await gql(CURRENT, { department: p.departmentId, crs })).territories;
      for (const f of current ? current.map.features : []) {
        draw.multiPolygon(f.geometry.coordinates, { color: "#333", fill: false, dashArray: "5 4", className: "current" },
          `${t("current")}: ${names.get(f.properties.managerId) || ""} (${f.properties.retailers})`);
      }
      for (const f of p.map.features) {
        const c = colour.get(f.properties.managerId) || "#888";
        draw.multiPolygon(f.geometry.coordinates, { color: c, fillColor: c, fillOpacity: 0.25, className: "proposed" },
          `${names.get(f.properties.managerId) || ""}: ${f.properties.retailers} · ${Math.round(f.properties.workloadMin || 0)} min`);
      }
      const moved = p.moves.filter((a) => a.retailer);
      for (const a of moved) {
        const pos = a.retailer.position;
        draw.point({ geometry: { coordinates: [pos.lon, pos.lat] }, properties: { kind: "MOVED" } },
          { radius: 5, color: "#d73027", fillColor: "#d73027", fillOpacity: 0.9 },
          `${a.retailer.name}: ${names.get(a.previousManagerId) || "–"} → ${names.get(a.managerId) || ""}`);
      }
      panel.append(el("p", { className: "totals", id: "territory-moved" }, `${t("moved")}: ${moved.length} / ${p.retailerCount}`),
                   draw.table(metricRows(p.current, p.proposed)));
    } else {
      const days = [0, 0, 0, 0, 0];
      const weekdays = (await gql(WEEKDAYS, { id: p.id })).territoryProposal.assignments;
      for (const a of weekdays) if (a.weekday !== null) days[a.weekday] += 1;
      const s = p.schedule;
      panel.append(draw.table([[t("weekday"), t("retailers")], ...days.map((n, d) => [t(`day${d}`), n])]),
        s ? el("p", { className: "totals" }, `${draw.km(s.totalTravelM)} km · ${t("dayHoursCv")} ${pct(s.dayHours.cv)} · ` +
          `${t("maxDay")} ${s.maxDayHours.toFixed(1)} h / ${s.capHours} h · ${t("overCap")} ${s.daysOverCap}`) : el("span"));
    }
    if (p.status === "PROPOSED") {
      const apply = el("button", { id: "proposal-apply" }, t("apply"));
      const discard = el("button", { id: "proposal-discard" }, t("discard"));
      apply.onclick = action(() => act(APPLY, p.id));
      discard.onclick = action(() => act(DISCARD, p.id));
      panel.append(apply, discard);
    }
    draw.fit();
    document.body.dataset.rendered = "territories";
  }

  window.visitgis.register("territories", {
    render,
    texts: {
      zh: { proposals: "片区与排程方案", noProposal: "无此方案或无权查看", TERRITORIES: "片区方案", SCHEDULE: "排程方案",
            PROPOSED: "待定", APPLIED: "已应用", DISCARDED: "已放弃", moved: "调整户数", measure: "指标",
            current: "现行", proposed: "方案", workloadCv: "工作量变异系数", workloadWorst: "工作量最大偏差",
            countCv: "户数变异系数", volumeCv: "销量变异系数", compactness: "到片区中心平均距离",
            fragmented: "不连通片区", apply: "应用方案", discard: "放弃方案", weekday: "星期", retailers: "户数",
            day0: "周一", day1: "周二", day2: "周三", day3: "周四", day4: "周五", dayHoursCv: "日工时变异系数",
            maxDay: "最长一天", overCap: "超时天数" },
      en: { proposals: "Territory and schedule proposals", noProposal: "No such proposal, or not yours to see",
            TERRITORIES: "territories", SCHEDULE: "schedule", PROPOSED: "proposed", APPLIED: "applied",
            DISCARDED: "discarded", moved: "Retailers moved", measure: "Measure", current: "Current",
            proposed: "Proposed", workloadCv: "Workload CV", workloadWorst: "Worst workload deviation",
            countCv: "Retailer count CV", volumeCv: "Order volume CV", compactness: "Mean distance to centre",
            fragmented: "Territories in pieces", apply: "Apply", discard: "Discard", weekday: "Weekday",
            retailers: "Retailers", day0: "Mon", day1: "Tue", day2: "Wed", day3: "Thu", day4: "Fri",
            dayHoursCv: "day hours CV", maxDay: "longest day", overCap: "days over cap" },
    },
  });
})();

// Audits (#/audits/<auditPlanId>): the audit plan's route and stops, its records, and the
// discrepancies between the managers' verified visits and the retailers' answers to the auditor,
// each with both sides' evidence (the visits, linked to their verification, and the record).
"use strict";
(() => {
  const { gql, el, t, crs, draw } = window.visitgis;
  const PLANS = `query AuditPlanList { auditPlans(first: 50) { nodes { id planDate status lengthM stops { seq } } } }`;
  const PLAN = `query AuditPlanView($id: ID!, $crs: CoordinateSystem!) {
    auditPlan(id: $id) { id planDate status method provenOptimal gap lengthM
      stops { seq retailerId eta retailer { name } }
      records { id retailerId auditedOn managerVisited auditorVerdict auditorDistanceM satisfaction priceTagsShown notes }
      map(coordinateSystem: $crs) {
        stops { features { geometry { coordinates } properties { seq retailerId planStopId label eta } } }
        legs { features { geometry { coordinates } properties { fromSeq toSeq distanceM } } }
      } }
    auditDiscrepancies(planId: $id) { discrepancies { auditId retailerId managerId kind visitIds } } }`;

  async function list() {
    const plans = (await gql(PLANS)).auditPlans.nodes;
    draw.panel().append(el("h3", {}, t("auditPlans")), el("ul", { id: "audit-list" },
      ...plans.map((p) => el("li", {}, el("a", { href: `#/audits/${p.id}` },
        `${p.planDate} · ${t(p.status)} · ${p.stops.length} ${t("stops")} · ${draw.km(p.lengthM)} km`)))));
    document.body.dataset.rendered = "audits";
  }

  async function render([planId], stale) {
    if (!planId) return list();
    const data = await gql(PLAN, { id: planId, crs });
    if (stale()) return;
    const plan = data.auditPlan;
    if (!plan) throw new Error(t("noAuditPlan"));
    const records = new Map(plan.records.map((r) => [r.retailerId, r]));
    const found = new Map(data.auditDiscrepancies.discrepancies.map((d) => [d.retailerId, d]));
    for (const leg of plan.map.legs.features) draw.line(leg, { color: "#6a51a3", opacity: 0.7 });
    for (const stop of plan.map.stops.features) {
      const p = stop.properties;
      if (!p.retailerId) {
        draw.point(stop, { radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1 }, p.label || t("start"));
        continue;
      }
      const colour = found.has(p.retailerId) ? "#d73027" : records.has(p.retailerId) ? "#1a9850" : "#6a51a3";
      draw.numbered(stop, p.seq, colour, `${p.seq}. ${p.label || ""}`);
    }
    const rows = [[t("seq"), t("retailer"), t("answer"), t("auditor"), t("discrepancy"), t("visits")]];
    for (const stop of plan.stops) {
      const r = records.get(stop.retailerId);
      const d = found.get(stop.retailerId);
      const visits = d ? el("span", {}, ...d.visitIds.map((id, i) => el("a", { href: `#/visit/${id}` }, `${i ? ", " : ""}${t("visit")} ${i + 1}`))) : "–";
      rows.push([stop.seq, stop.retailer ? stop.retailer.name : "–", r ? t(r.managerVisited) : "–",
                 r ? `${t(r.auditorVerdict)}${r.auditorDistanceM === null ? "" : ` · ${Math.round(r.auditorDistanceM)} m`}` : "–",
                 d ? el("span", { className: "bad discrepancy" }, t(d.kind)) : "", visits]);
    }
    draw.panel().append(
      el("h3", {}, `${t("auditPlan")} ${plan.planDate} · ${t(plan.status)}`),
      el("p", { className: "totals" }, `${plan.stops.length} ${t("stops")} · ${draw.km(plan.lengthM)} km · ${plan.method} · ` +
        `${plan.records.length} ${t("records")} · ${found.size} ${t("discrepancies")}`),
      draw.table(rows));
    draw.fit();
    document.body.dataset.rendered = "audits";
  }

  window.visitgis.register("audits", {
    render,
    texts: {
      zh: { auditPlans: "稽查计划", auditPlan: "稽查计划", noAuditPlan: "无此稽查计划或无权查看", records: "条记录",
            discrepancies: "处不一致", answer: "零售户答复", auditor: "稽查员到位", discrepancy: "不一致",
            visits: "拜访证据", visit: "拜访", YES: "来过", NO: "没来过", NOT_SURE: "不确定",
            RETAILER_DENIES_VERIFIED_VISIT: "零售户否认已核实的拜访",
            RETAILER_CONFIRMS_UNVERIFIED_VISIT: "零售户确认未核实的拜访", ONLY_INCONCLUSIVE_VISITS: "仅有待定拜访",
            OPEN: "进行中", COMPLETED: "已完成" },
      en: { auditPlans: "Audit plans", auditPlan: "Audit plan", noAuditPlan: "No such audit plan, or not yours to see",
            records: "records", discrepancies: "discrepancies", answer: "Retailer's answer", auditor: "Auditor in place",
            discrepancy: "Discrepancy", visits: "Visit evidence", visit: "visit", YES: "visited", NO: "not visited",
            NOT_SURE: "not sure", RETAILER_DENIES_VERIFIED_VISIT: "retailer denies a verified visit",
            RETAILER_CONFIRMS_UNVERIFIED_VISIT: "retailer confirms an unverified visit",
            ONLY_INCONCLUSIVE_VISITS: "only inconclusive visits", OPEN: "open",
            COMPLETED: "completed" },
    },
  });
})();

// Day plan (#/day/<managerId>/<YYYY-MM-DD>): numbered stops with ETA, opening window and state,
// the route legs, totals (km, optimality or gap, saving against licence order); plan, re-plan
// and publish where the caller's role allows (the API decides and says why not).
"use strict";
(() => {
  const { gql, mutate, action, el, t, crs, draw, onLeave } = window.visitgis;
  const WHO = `query DayWho { viewer { role manager { id name } } }`;
  const MANAGERS = `query DayManagers { managers(first: 100) { nodes { id name staffNo } } }`;
  const PLAN_FIELDS = `fragment DayPlanFields on VisitPlan {
      id status method provenOptimal gap lengthM durationS baselineLengthM savingM
      stops { planStopId seq eta etd legDistanceM retailer { id name address } }
      lifecycle { progress version replanReason stops { planStopId state visitId verdict skipReason } }
      map(coordinateSystem: $crs) {
        stops { features { geometry { coordinates } properties { seq retailerId planStopId label eta etd windowOpens windowCloses } } }
        legs { features { geometry { coordinates } properties { fromSeq toSeq distanceM durationS } } }
      } }`;
  // the plan the manager works from that day (published, else the newest draft) ...
  const PLAN = `query DayPlan($managerId: ID!, $date: Date!, $crs: CoordinateSystem!) {
    manager(id: $managerId) { id name startLabel }
    visitPlan(managerId: $managerId, date: $date) { ...DayPlanFields } }
    ${PLAN_FIELDS}`;
  // ... or one named plan (a new draft made to re-plan a published day)
  const DRAFT = `query DayDraft($managerId: ID!, $planId: ID!, $crs: CoordinateSystem!) {
    manager(id: $managerId) { id name startLabel }
    visitPlan: node(id: $planId) { ...DayPlanFields } }
    ${PLAN_FIELDS}`;
  const CREATE = `mutation DayPlanCreate($input: VisitPlanCreateInput!) {
    visitPlanCreate(input: $input) { plan { id } userErrors { message } } }`;
  const PUBLISH = `mutation DayPlanPublish($input: VisitPlanPublishInput!) {
    visitPlanPublish(input: $input) { plan { id } version userErrors { message } } }`;
  const STATE_COLOURS = { PLANNED: "#3182bd", SKIPPED: "#969696", NOT_VISITED: "#636363" };

  function companyToday() {  // the company's calendar day (UTC+8)
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  async function pickManager(date) {
    const nodes = (await gql(MANAGERS)).managers.nodes;
    draw.panel().append(el("h3", {}, t("pickManager")),
      el("ul", {}, ...nodes.map((m) => el("li", {}, el("a", { href: `#/day/${m.id}/${date}` }, `${m.name} (${m.staffNo})`)))));
    document.body.dataset.rendered = "day";
  }

  async function render([managerId, date, planId], stale) {
    performance.clearMarks("visitgis-day-start");
    performance.clearMeasures("visitgis-day-render");
    performance.mark("visitgis-day-start");
    date = date || companyToday();
    if (!managerId) {
      const who = (await gql(WHO)).viewer;
      if (!who.manager) return pickManager(date);
      managerId = who.manager.id;
    }
    const data = planId ? await gql(DRAFT, { managerId, planId, crs }) : await gql(PLAN, { managerId, date, crs });
    if (stale()) return;
    const plan = data.visitPlan && data.visitPlan.id ? data.visitPlan : null;
    const heading = el("h3", {}, `${data.manager ? data.manager.name : ""} · ${date}`);
    const day = el("input", { type: "date", value: date, id: "day-date" });
    day.onchange = () => { location.hash = `#/day/${managerId}/${day.value}`; };
    const panel = draw.panel();
    panel.append(heading, day);
    const replan = el("button", { id: "day-replan" }, plan ? t("replan") : t("planDay"));
    replan.onclick = action(async () => {
      const made = await mutate(CREATE, { managerId, date });
      location.hash = `#/day/${managerId}/${date}/${made.plan.id}`;
    });
    if (!plan) {
      panel.append(el("p", { id: "day-none" }, t("noPlan")), replan);
      document.body.dataset.rendered = "day";
      return;
    }
    const states = new Map(plan.lifecycle.stops.map((s) => [s.planStopId, s]));
    for (const leg of plan.map.legs.features) draw.line(leg, { color: "#555", opacity: 0.7 });
    for (const stop of plan.map.stops.features) {
      const p = stop.properties;
      if (!p.planStopId) {  // the start point
        draw.point(stop, { radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1 }, p.label || t("start"));
        continue;
      }
      const s = states.get(p.planStopId);
      const colour = s && s.state === "VISITED" ? draw.verdictColour(s.verdict) : STATE_COLOURS[s ? s.state : "PLANNED"];
      draw.numbered(stop, p.seq, colour, `${p.seq}. ${p.label || ""} ${p.eta || ""}`);
    }
    const rows = [[t("seq"), t("retailer"), t("eta"), t("window"), t("state")]];
    const windowOf = new Map(plan.map.stops.features.map((f) => [f.properties.planStopId, f.properties]));
    for (const stop of plan.stops) {
      const s = states.get(stop.planStopId);
      const w = windowOf.get(stop.planStopId) || {};
      const state = !s ? "" : s.state === "VISITED"
        ? el("a", { href: `#/visit/${s.visitId}` }, `${t(s.state)} · ${t(s.verdict)}`)
        : `${t(s.state)}${s.skipReason ? ` (${s.skipReason})` : ""}`;
      rows.push([stop.seq, stop.retailer ? stop.retailer.name : "–", stop.eta,
                 w.windowOpens ? `${w.windowOpens}–${w.windowCloses}` : "–", state]);
    }
    const optimality = plan.provenOptimal ? t("provenOptimal")
      : plan.gap === null ? t("unproven") : `${t("gap")} ${(plan.gap * 100).toFixed(2)} %`;
    const saving = plan.baselineLengthM ? ` · ${t("saving")} ${draw.km(plan.savingM)} km (${(100 * plan.savingM / plan.baselineLengthM).toFixed(0)} %)` : "";
    panel.append(
      el("p", { className: "totals", id: "day-totals" },
        `${t(plan.status)} · v${plan.lifecycle.version ?? "–"} · ${plan.stops.length} ${t("stops")} · ${draw.km(plan.lengthM)} km · ` +
        `${Math.round(plan.durationS / 60)} min · ${plan.method} · ${optimality}${saving}`),
      draw.table(rows));
    const reason = el("input", { id: "day-reason", placeholder: t("replanReason") });
    const publish = el("button", { id: "day-publish" }, t("publish"));
    publish.onclick = action(async () => {
      await mutate(PUBLISH, { id: plan.id, reason: reason.value });
      location.hash = `#/day/${managerId}/${date}`;
    });
    if (plan.status === "DRAFT") panel.append(reason, publish);
    panel.append(replan);
    draw.fit();
    performance.measure("visitgis-day-render", "visitgis-day-start");
    document.body.dataset.rendered = "day";
    onLeave(() => { delete document.body.dataset.rendered; });
  }

  window.visitgis.register("day", {
    render,
    texts: {
      zh: { pickManager: "选择客户经理", noPlan: "当日无拜访计划", planDay: "生成当日计划", replan: "重新规划",
            publish: "发布", replanReason: "重新规划原因", seq: "序", retailer: "零售户", eta: "预计到达",
            window: "营业时间", state: "状态", stops: "站", start: "出发点", provenOptimal: "已证明最优",
            unproven: "未证明", gap: "差距", saving: "较证号顺序节省", PLANNED: "待访", VISITED: "已访",
            SKIPPED: "跳过", NOT_VISITED: "未访", IN_PLACE: "到位", INCONCLUSIVE: "待定",
            NOT_IN_PLACE: "未到位", PENDING: "待核", CARRIER_UNAVAILABLE: "运营商不可用", DRAFT: "草稿",
            PUBLISHED: "已发布", SUPERSEDED: "已替代" },
      en: { pickManager: "Choose an account manager", noPlan: "No plan for this day", planDay: "Plan this day",
            replan: "Re-plan", publish: "Publish", replanReason: "Reason for the re-plan", seq: "#",
            retailer: "Retailer", eta: "ETA", window: "Open", state: "State", stops: "stops", start: "Start",
            provenOptimal: "proven optimal", unproven: "not proven", gap: "gap", saving: "saved vs licence order",
            PLANNED: "planned", VISITED: "visited", SKIPPED: "skipped", NOT_VISITED: "not visited",
            IN_PLACE: "in place", INCONCLUSIVE: "inconclusive", NOT_IN_PLACE: "not in place", PENDING: "pending",
            CARRIER_UNAVAILABLE: "carrier unavailable", DRAFT: "draft", PUBLISHED: "published",
            SUPERSEDED: "superseded" },
    },
  });
})();

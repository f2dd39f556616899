// Reports (#/reports/<from>/<to>/<groupBy>/<departmentId>): the decision-analysis measures as
// charts and tables — coverage and verdict mix, dwell, km saved, workload balance, and the effect
// of the period against the one before it with 95 % intervals — each table exportable as CSV.
"use strict";
(() => {
  const { gql, el, t, draw } = window.visitgis;
  const DEPARTMENTS = `query ReportDepartments { departments { id name } }`;
  const REPORTS = `query DecisionReports($filter: ReportFilter!, $effect: EffectFilter!) {
    disciplineReport(filter: $filter) { totals { group { kind id name } plannedStops visitedStops coveragePct
      verifiedCoveragePct visits verdicts { key visits pct } dwellMedianS lateUploads outsideHours } }
    routeReport(filter: $filter) { totals { group { kind id name } planKm ownOrderKm savingPct baselineSavingPct travelledKm tauMean } }
    workloadReport(filter: $filter) { balance { group { name } managers retailers modelHoursMean modelHoursCv measuredHoursPerDayCv retailersCv volumeCv }
      managers { manager { name } modelHoursPerWeek measuredHoursPerDay } }
    effectReport(filter: $effect) { managers measures { name unit claim before after difference differenceCi { low high } did didCi { low high } } } }`;

  const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
  const fmt = (x, digits = 1) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));
  const interval = (ci) => (ci ? `[${fmt(ci.low, 2)}, ${fmt(ci.high, 2)}]` : "–");

  function section(title, rows, filename, chart) {
    return el("section", { className: "report" }, el("h4", {}, title), chart || el("span"),
      draw.table(rows), draw.csvLink(rows, filename));
  }

  function controls(first, last, groupBy, department, departments) {
    const from = el("input", { type: "date", value: first, id: "report-from" });
    const to = el("input", { type: "date", value: last, id: "report-to" });
    const by = el("select", { id: "report-by" }, ...["MANAGER", "DEPARTMENT", "COMPANY"].map((g) =>
      el("option", { value: g, selected: g === groupBy }, t(`by${g}`))));
    const dept = el("select", { id: "report-department" }, el("option", { value: "" }, t("allDepartments")),
      ...departments.map((d) => el("option", { value: d.id, selected: d.id === department }, d.name)));
    const go = el("button", { id: "report-go" }, t("show"));
    go.onclick = () => { location.hash = `#/reports/${from.value}/${to.value}/${by.value}/${dept.value}`; };
    return el("div", { className: "controls" }, from, to, by, dept, go);
  }

  async function render([first, last, groupBy, department], stale) {
    first = first || day(-28);
    last = last || day(-1);
    groupBy = groupBy || "MANAGER";
    department = department || null;
    const span = Math.round((Date.parse(last) - Date.parse(first)) / 86400e3);
    const before = { firstDay: new Date(Date.parse(first) - (span + 1) * 86400e3).toISOString().slice(0, 10),
                     lastDay: new Date(Date.parse(first) - 86400e3).toISOString().slice(0, 10) };
    const filter = { firstDay: first, lastDay: last, grain: "MONTH", groupBy, departmentId: department };
    const effect = { before, after: { firstDay: first, lastDay: last }, departmentId: department, resamples: 500 };
    const [departments, data] = await Promise.all([gql(DEPARTMENTS), gql(REPORTS, { filter, effect })]);
    if (stale()) return;
    const panel = draw.panel();
    panel.append(el("h3", {}, `${t("reportsTitle")} ${first} – ${last}`),
      controls(first, last, groupBy, department, departments.departments));
    const discipline = data.disciplineReport.totals;
    panel.append(section(t("discipline"), [
      [t("group"), t("planned"), t("visited"), t("coverage"), t("verifiedCoverage"), t("visits"), t("inPlace"), t("dwell"), t("late")],
      ...discipline.map((r) => [r.group.name, r.plannedStops, r.visitedStops, fmt(r.coveragePct), fmt(r.verifiedCoveragePct),
        r.visits, fmt((r.verdicts.find((v) => v.key === "IN_PLACE") || {}).pct), r.dwellMedianS === null ? "–" : fmt(r.dwellMedianS / 60),
        r.lateUploads])], "discipline.csv",
      draw.bars(discipline.map((r) => [r.group.name, r.verifiedCoveragePct]), " %")));
    const routes = data.routeReport.totals;
    panel.append(section(t("routes"), [
      [t("group"), t("planKm"), t("ownKm"), t("saving"), t("savingLicence"), t("travelledKm"), "τ"],
      ...routes.map((r) => [r.group.name, fmt(r.planKm), fmt(r.ownOrderKm), fmt(r.savingPct), fmt(r.baselineSavingPct),
        fmt(r.travelledKm), fmt(r.tauMean, 2)])], "routes.csv",
      draw.bars(routes.map((r) => [r.group.name, r.savingPct]), " %")));
    const workload = data.workloadReport;
    panel.append(section(t("workload"), [
      [t("group"), t("managers"), t("retailers"), t("modelHours"), t("modelCv"), t("measuredCv"), t("countCv"), t("volumeCv")],
      ...workload.balance.map((b) => [b.group.name, b.managers, b.retailers, fmt(b.modelHoursMean), fmt(100 * (b.modelHoursCv ?? NaN)),
        fmt(100 * (b.measuredHoursPerDayCv ?? NaN)), fmt(100 * (b.retailersCv ?? NaN)), fmt(100 * (b.volumeCv ?? NaN))])],
      "workload.csv", draw.bars(workload.managers.slice(0, 40).map((m) => [m.manager.name, m.modelHoursPerWeek]), " h")));
    const e = data.effectReport;
    panel.append(section(`${t("effect")} (${before.firstDay} – ${before.lastDay} → ${first} – ${last})`, [
      [t("measure"), t("unit"), t("before"), t("after"), t("difference"), t("ci95"), "DiD", t("ci95")],
      ...e.measures.map((m) => [m.name, m.unit, fmt(m.before, 2), fmt(m.after, 2), fmt(m.difference, 2), interval(m.differenceCi),
        fmt(m.did, 2), interval(m.didCi)])], "effect.csv"));
    document.body.dataset.rendered = "reports";
  }

  window.visitgis.register("reports", {
    render,
    texts: {
      zh: { reportsTitle: "决策分析", byMANAGER: "按客户经理", byDEPARTMENT: "按部门", byCOMPANY: "全公司",
            allDepartments: "全部部门", show: "查询", discipline: "拜访纪律", routes: "线路", workload: "工作量均衡",
            effect: "效果评价", group: "对象", planned: "计划站", visited: "已访", coverage: "覆盖率 %",
            verifiedCoverage: "到位覆盖率 %", visits: "拜访", inPlace: "到位 %", dwell: "停留中位 (分)", late: "迟传",
            planKm: "计划公里", ownKm: "自排公里", saving: "节省 %", savingLicence: "较证号顺序节省 %",
            travelledKm: "实际公里", managers: "经理数", retailers: "零售户", modelHours: "模型工时/周",
            modelCv: "工时 CV %", measuredCv: "实测工时 CV %", countCv: "户数 CV %", volumeCv: "销量 CV %",
            measure: "指标", unit: "单位", before: "之前", after: "之后", difference: "差值", ci95: "95% 区间" },
      en: { reportsTitle: "Decision analysis", byMANAGER: "by manager", byDEPARTMENT: "by department",
            byCOMPANY: "company", allDepartments: "All departments", show: "Show", discipline: "Visit discipline",
            routes: "Routes", workload: "Workload balance", effect: "Effect evaluation", group: "Group",
            planned: "Planned", visited: "Visited", coverage: "Coverage %", verifiedCoverage: "Verified coverage %",
            visits: "Visits", inPlace: "In place %", dwell: "Dwell median (min)", late: "Late uploads",
            planKm: "Plan km", ownKm: "Own-order km", saving: "Saving %", savingLicence: "Saving vs licence order %",
            travelledKm: "Travelled km", managers: "Managers", retailers: "Retailers", modelHours: "Model h/week",
            modelCv: "Hours CV %", measuredCv: "Measured hours CV %", countCv: "Count CV %", volumeCv: "Volume CV %",
            measure: "Measure", unit: "Unit", before: "Before", after: "After", difference: "Difference",
            ci95: "95 % interval" },
    },
  });
})();

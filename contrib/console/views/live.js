// Live board (#/live/<departmentId>): today's visits of a department, then each new one as it
// happens, through the `visitEvents` subscription spoken over graphql-transport-ws on this origin.
"use strict";
(() => {
  const { gql, el, t, crs, draw, onLeave } = window.visitgis;
  const TODAY = `query LiveToday($day: Date!, $crs: CoordinateSystem!) {
    visits(filter: { dayFrom: $day, dayTo: $day }, first: 100) { nodes {
      id verdict startedAt manager { name } retailer { name position(coordinateSystem: $crs) { lat lon } } } } }`;
  const EVENTS = `subscription LiveEvents($departmentId: ID, $crs: CoordinateSystem!) {
    visitEvents(departmentId: $departmentId) { kind visitId verdict occurredAt droppedBefore
      manager { name } retailer { name position(coordinateSystem: $crs) { lat lon } } } }`;

  function companyToday() { return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10); }

  function show(list, { visitId, verdict, when, manager, retailer, kind }) {
    if (retailer && retailer.position) {
      const pos = retailer.position;
      draw.point({ geometry: { coordinates: [pos.lon, pos.lat] }, properties: { visitId } },
        { radius: 7, color: draw.verdictColour(verdict), fillColor: draw.verdictColour(verdict), fillOpacity: 0.8 },
        `${manager ? manager.name : ""} · ${retailer.name}`);
    }
    list.prepend(el("li", { className: "live-row" }, `${when.slice(11, 16)} ${kind ? t(kind) : ""} `,
      el("a", { href: `#/visit/${visitId}` }, `${manager ? manager.name : ""} → ${retailer ? retailer.name : "–"}`),
      ` · ${t(verdict)}`));
  }

  async function render([departmentId], stale) {
    const panel = draw.panel();
    const counter = el("p", { id: "live-count" }, "0");
    const list = el("ol", { id: "live-list", reversed: true });
    panel.append(el("h3", {}, t("liveTitle")), counter, list);
    const today = (await gql(TODAY, { day: companyToday(), crs })).visits.nodes;
    if (stale()) return;
    for (const v of today) show(list, { visitId: v.id, verdict: v.verdict, when: v.startedAt, manager: v.manager, retailer: v.retailer });
    draw.fit();
    const url = new URL("../graphql", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, "graphql-transport-ws");
    let received = 0;
    onLeave(() => ws.close(1000));
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init",
      payload: { Authorization: `Bearer ${sessionStorage.getItem("visitgis.token")}` } }));
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "live", type: "subscribe",
          payload: { query: EVENTS, variables: { departmentId: departmentId || null, crs } } }));
        document.body.dataset.rendered = "live";
      } else if (data.type === "next" && data.payload.data) {
        const e = data.payload.data.visitEvents;
        show(list, { visitId: e.visitId, verdict: e.verdict, when: e.occurredAt, manager: e.manager, retailer: e.retailer, kind: e.kind });
        counter.textContent = String(++received);
        counter.dataset.events = String(received);
      } else if (data.type === "next" || data.type === "error") {
        const errors = data.type === "error" ? data.payload : data.payload.errors;
        document.getElementById("status").textContent = `${t("error")}: ${errors.map((x) => x.message).join("; ")}`;
      } else if (data.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      }
    };
  }

  window.visitgis.register("live", {
    render,
    texts: {
      zh: { liveTitle: "今日拜访（实时）", STARTED: "进店", ENDED: "离店", SYNCED: "补传" },
      en: { liveTitle: "Today's visits (live)", STARTED: "check-in", ENDED: "check-out", SYNCED: "synced" },
    },
  });
})();

// Live board (#/live/<departmentId>): today's visits of a department, then each new one as it
// happens, through the `visitEvents` subscription spoken over graphql-transport-ws on this origin.
// A dropped connection (a worker restarted, the network blinked) is reopened with backoff and
// resumed with `since`: what happened meanwhile comes replayed, nothing is shown twice.
"use strict";
(() => {
  const { gql, el, t, crs, draw, onLeave } = window.visitgis;
  const TODAY = `query LiveToday($day: Date!, $crs: CoordinateSystem!) {
    visits(filter: { dayFrom: $day, dayTo: $day }, first: 100) { nodes {
      id verdict startedAt endedAt manager { name } retailer { name position(coordinateSystem: $crs) { lat lon } } } } }`;
  const EVENTS = `subscription LiveEvents($departmentId: ID, $since: DateTime, $crs: CoordinateSystem!) {
    visitEvents(departmentId: $departmentId, since: $since) { kind visitId verdict occurredAt droppedBefore replayed
      manager { name } retailer { name position(coordinateSystem: $crs) { lat lon } } } }`;
  const CLOCK_SKEW_MS = 60_000;  // how far this browser's clock may be ahead of the server's
  const RESUMABLE_MS = 23 * 3600 * 1000;  // the server replays at most 24 h; older: reload the day
  const REFUSED = [4400, 4401, 4403];  // graphql-transport-ws closes that another try won't mend

  function companyToday() { return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10); }

  /** 0.5 s doubling to 10 s, each wait drawn from its upper half so boards don't come back in step. */
  function backoffMs(attempt) {
    const ceiling = Math.min(10_000, 500 * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  function show(list, { visitId, verdict, when, manager, retailer, kind, replayed }) {
    if (retailer && retailer.position) {
      const pos = retailer.position;
      draw.point({ geometry: { coordinates: [pos.lon, pos.lat] }, properties: { visitId } },
        { radius: 7, color: draw.verdictColour(verdict), fillColor: draw.verdictColour(verdict), fillOpacity: 0.8 },
        `${manager ? manager.name : ""} · ${retailer.name}`);
    }
    const row = el("li", { className: "live-row" }, `${when.slice(11, 16)} ${kind ? t(kind) : ""} `,
      el("a", { href: `#/visit/${visitId}` }, `${manager ? manager.name : ""} → ${retailer ? retailer.name : "–"}`),
      ` · ${t(verdict)}${replayed ? ` · ${t("liveReplayed")}` : ""}`);
    Object.assign(row.dataset, { visitId, kind: kind || "", replayed: String(Boolean(replayed)) });
    list.prepend(row);
  }

  async function render([departmentId], stale) {
    const panel = draw.panel();
    const connection = el("p", { id: "live-connection" });
    const counter = el("p", { id: "live-count" }, "0");
    const list = el("ol", { id: "live-list", reversed: true });
    panel.append(el("h3", {}, t("liveTitle")), connection, counter, list);
    // Even the first subscription resumes: from just before the visits query (less the clock
    // skew allowance), so a visit made between that query and the subscription comes replayed
    // instead of falling in the gap; what the query already listed is skipped by `seen`.
    let since = new Date(Date.now() - CLOCK_SKEW_MS).toISOString();
    const today = (await gql(TODAY, { day: companyToday(), crs })).visits.nodes;
    if (stale()) return;
    const seen = new Set();  // `${visitId} ${kind}` already on the board
    for (const v of today) {
      seen.add(`${v.id} STARTED`);
      if (v.endedAt) seen.add(`${v.id} ENDED`);
      show(list, { visitId: v.id, verdict: v.verdict, when: v.startedAt, manager: v.manager, retailer: v.retailer });
    }
    draw.fit();
    const url = new URL("../graphql", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    let socket = null, retry = null, attempt = 0, dropped = false, left = false, received = 0;
    onLeave(() => { left = true; clearTimeout(retry); if (socket) socket.close(1000); });

    function status(state) {
      connection.dataset.connection = state;
      connection.textContent = t(`live_${state}`);
    }

    function connect() {
      if (dropped && Date.now() - Date.parse(since) > RESUMABLE_MS) { window.visitgis.route(); return; }
      const ws = socket = new WebSocket(url, "graphql-transport-ws");
      let refusal = null;  // why the server refused (an expired token, no access): no retry mends it
      ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init",
        payload: { Authorization: `Bearer ${sessionStorage.getItem("visitgis.token")}` } }));
      ws.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.type === "connection_ack") {
          ws.send(JSON.stringify({ id: "live", type: "subscribe",
            payload: { query: EVENTS, variables: { departmentId: departmentId || null, since, crs } } }));
          attempt = 0;
          status(dropped ? "reconnected" : "connected");
          document.body.dataset.rendered = "live";
        } else if (data.type === "next" && data.payload.data) {
          const e = data.payload.data.visitEvents;
          since = e.occurredAt;  // the last event received: what a resumed subscription starts after
          if (e.droppedBefore > 0) {
            const note = el("li", { className: "live-dropped" }, `${e.droppedBefore} ${t("liveDropped")}`);
            note.dataset.dropped = String(e.droppedBefore);
            list.prepend(note);
          }
          if (seen.has(`${e.visitId} ${e.kind}`)) return;
          seen.add(`${e.visitId} ${e.kind}`);
          show(list, { visitId: e.visitId, verdict: e.verdict, when: e.occurredAt, manager: e.manager,
            retailer: e.retailer, kind: e.kind, replayed: e.replayed });
          counter.textContent = String(++received);
          counter.dataset.events = String(received);
        } else if (data.type === "next" || data.type === "error") {
          const errors = data.type === "error" ? data.payload : data.payload.errors;
          refusal = errors.map((x) => x.message).join("; ");
          ws.close(1000);
        } else if (data.type === "complete" && refusal === null) {
          ws.close(1000);  // the server ended the stream without a refusal: resume it
        } else if (data.type === "ping") {
          ws.send(JSON.stringify({ type: "pong" }));
        }
      };
      ws.onclose = (event) => {
        if (left) return;
        if (refusal === null && REFUSED.includes(event.code)) refusal = event.reason || String(event.code);
        if (refusal !== null) {  // say so and stop trying
          status("failed");
          document.getElementById("status").textContent = `${t("error")}: ${refusal}`;
          return;
        }
        dropped = true;
        status("reconnecting");
        retry = setTimeout(connect, backoffMs(attempt++));
      };
    }

    status("connecting");
    connect();
  }

  window.visitgis.register("live", {
    render,
    texts: {
      zh: { liveTitle: "今日拜访（实时）", STARTED: "进店", ENDED: "离店", SYNCED: "补传",
            live_connecting: "连接中…", live_connected: "已连接", live_reconnecting: "连接中断，正在重连…",
            live_reconnected: "已重新连接", live_failed: "已停止更新", liveReplayed: "断线期间",
            liveDropped: "条更早的事件未显示" },
      en: { liveTitle: "Today's visits (live)", STARTED: "check-in", ENDED: "check-out", SYNCED: "synced",
            live_connecting: "connecting…", live_connected: "connected", live_reconnecting: "reconnecting…",
            live_reconnected: "reconnected", live_failed: "stopped updating", liveReplayed: "while away",
            liveDropped: "earlier events not shown" },
    },
  });
})();

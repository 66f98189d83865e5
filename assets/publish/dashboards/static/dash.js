// Shared by every dashboard page: reads the embedded rows, runs the controls (brand and dates, or campaign,
// brand and platform; the choice lives in the URL's #hash and follows the links between pages), and gives the
// page's own script helpers that keep SQL's meaning: a sum ignores unknown (null) values and is unknown when
// every value is; a ratio is unknown when its denominator is unknown or zero.
(function () {
  "use strict";
  const payload = JSON.parse(document.getElementById("dash-data").textContent);
  const data = {};
  for (const [name, table] of Object.entries(payload.data)) {
    data[name] = table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
  }
  const FORMATS = {
    int: { digits: 0, suffix: "" },
    dec1: { digits: 1, suffix: "" },
    dec2: { digits: 2, suffix: "" },
    pct: { digits: 1, suffix: " %" },
    minutes: { digits: 0, suffix: " min" },
  };
  const PLATFORM_COLORS = {
    mastodon: "#6364ff", bluesky: "#1185fe", reddit: "#ff4500", x: "#222222", facebook: "#1877f2",
    youtube: "#ff0000",
  };

  const isNull = (v) => v === null || v === undefined;
  const unique = (values) => [...new Set(values)];

  function sum(rows, col) {
    let total = null;
    for (const r of rows) {
      const v = typeof col === "function" ? col(r) : r[col];
      if (!isNull(v)) total = (total === null ? 0 : total) + v;
    }
    return total;
  }

  function ratio(num, den, scale) {
    if (isNull(num) || isNull(den) || den === 0) return null;
    return (scale === undefined ? 1 : scale) * num / den;
  }

  function groupBy(rows, key) {
    const keyOf = typeof key === "function" ? key : (r) => r[key];
    const groups = new Map();
    for (const r of rows) {
      const k = keyOf(r);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(r);
    }
    return groups;
  }

  // For each key (e.g. platform and account), the value of the latest day on which it is known; summed.
  function latest(rows, keys, col) {
    const best = new Map();
    for (const r of rows) {
      if (isNull(r[col])) continue;
      const k = keys.map((c) => r[c]).join("\u0000");
      const seen = best.get(k);
      if (!seen || r.date > seen.date) best.set(k, r);
    }
    return best.size ? sum([...best.values()], col) : null;
  }

  function format(value, fmt) {
    if (isNull(value)) return "n/a";
    const f = FORMATS[fmt];
    if (!f) throw new Error(`unknown format ${fmt}`);
    return value.toLocaleString("en-US", {
      minimumFractionDigits: f.digits, maximumFractionDigits: f.digits,
    }) + f.suffix;
  }

  // ---- the selection ----------------------------------------------------------------------------------
  const el = (id) => document.getElementById(id);
  function readHash() {
    const out = {};
    for (const [k, v] of new URLSearchParams(location.hash.replace(/^#/, ""))) out[k] = v;
    return out;
  }
  function writeHash(state) {
    const hash = "#" + new URLSearchParams(state).toString();
    try {
      history.replaceState(null, "", hash);
    } catch (e) {
      location.hash = hash; // some browsers refuse replaceState on file:// pages
    }
    for (const a of document.querySelectorAll("nav a[data-page]")) a.href = a.dataset.page + ".html" + hash;
  }
  function fillSelect(select, values, labels, wanted) {
    select.innerHTML = "";
    for (const v of values) {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = labels ? labels(v) : v;
      select.appendChild(o);
    }
    select.value = values.includes(wanted) ? wanted : (values[0] === undefined ? "" : values[0]);
  }

  function brandsIn(rows) {
    const clients = new Set(data.brands.filter((b) => b.is_client).map((b) => b.brand_id));
    return unique(rows.map((r) => r.brand_id)).sort(
      (a, b) => (clients.has(b) - clients.has(a)) || a.localeCompare(b));
  }

  let config = null;
  let renders = 0;
  const state = {};

  function setupDates(hash) {
    const rows = config.datasets.flatMap((n) => data[n]);
    const brands = brandsIn(rows);
    fillSelect(el("brand"), brands, null, hash.brand);
    const dates = rows.map((r) => r.date).filter((d) => !isNull(d)).sort();
    const first = dates[0] || "", last = dates[dates.length - 1] || "";
    for (const id of ["start", "end"]) {
      el(id).min = first;
      el(id).max = last;
    }
    const inSpan = (d) => d && d >= first && d <= last;
    el("start").value = inSpan(hash.start) ? hash.start : first;
    el("end").value = inSpan(hash.end) && hash.end >= el("start").value ? hash.end : last;
    el("span").textContent = first ? `data from ${first} to ${last}` : "no data published yet";
    for (const id of ["brand", "start", "end"]) el(id).addEventListener("change", update);
  }

  function setupCampaign(hash) {
    const rows = data[config.datasets[0]];
    const campaigns = unique(rows.map((r) => r.campaign_name)).sort();
    fillSelect(el("campaign"), campaigns, null, hash.campaign);
    const refill = (wanted) => {
      const mine = rows.filter((r) => r.campaign_name === el("campaign").value);
      const own = mine.filter((r) => r.is_campaign_brand).map((r) => r.brand_id);
      const brands = unique([...own, ...mine.map((r) => r.brand_id).sort()]);
      fillSelect(el("brand"), brands, null, wanted.brand);
      const platforms = unique(mine.filter((r) => r.brand_id === el("brand").value).map((r) => r.platform)).sort();
      fillSelect(el("platform"), platforms, null, wanted.platform);
    };
    refill(hash);
    el("campaign").addEventListener("change", () => {
      refill({ platform: el("platform").value });
      update();
    });
    el("brand").addEventListener("change", () => {
      refill({ brand: el("brand").value, platform: el("platform").value });
      update();
    });
    el("platform").addEventListener("change", update);
  }

  function readState() {
    for (const k of Object.keys(state)) delete state[k];
    const ids = payload.controls === "campaign" ? ["campaign", "brand", "platform"] : ["brand", "start", "end"];
    for (const id of ids) state[id] = el(id).value;
    if (payload.controls === "dates" && state.start > state.end) {
      // a range the wrong way round would show nothing: swap it
      [state.start, state.end] = [state.end, state.start];
      el("start").value = state.start;
      el("end").value = state.end;
    }
  }

  // ---- what the page's script calls -------------------------------------------------------------------
  const pending = [];
  const metricsSet = new Set();

  function setMetric(id, value) {
    const node = document.querySelector(`[data-metric="${id}"]`);
    if (!node) throw new Error(`no element with data-metric="${id}"`);
    if (!isNull(value) && !Number.isFinite(value)) throw new Error(`metric ${id} is not a number: ${value}`);
    node.dataset.value = isNull(value) ? "" : String(value);
    node.textContent = format(value, node.dataset.format);
    node.classList.toggle("na", isNull(value));
    metricsSet.add(id);
  }

  function plot(id, traces, layout) {
    const node = el("chart-" + id);
    if (!node) throw new Error(`no chart ${id}`);
    const empty = !traces.some((t) => (t.y || t.z || []).some((v) => !isNull(v)));
    const base = {
      height: 340,
      margin: { l: 55, r: 20, t: 20, b: 45 },
      legend: { orientation: "h", y: -0.18 },
      hovermode: "closest",
      annotations: empty ? [{
        text: "No data for this selection", showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5,
        font: { size: 16, color: "#888" },
      }] : [],
    };
    const days = traces.flatMap((t) => t.x || []).filter((x) => /^\d{4}-\d{2}-\d{2}$/.test(x)).sort();
    if (days.length) {
      // day ticks, not hours, on short ranges
      const span = (Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86400000;
      base.xaxis = { type: "date", tickformat: "%b %-d", ...(span <= 14 ? { dtick: 86400000 } : {}) };
    }
    const merged = Object.assign(base, layout || {});
    pending.push(Plotly.react(node, traces, merged, { displaylogo: false, responsive: true }));
  }

  // Traces for a daily chart: one per value of `by`, y = value(rows of that series and day).
  function daily(rows, by, value, extra) {
    const traces = [];
    for (const [name, part] of [...groupBy(rows, by)].sort((a, b) => String(a[0]).localeCompare(String(b[0])))) {
      const days = [...groupBy(part, "date")].sort((a, b) => a[0].localeCompare(b[0]));
      const trace = {
        name: String(name), x: days.map((d) => d[0]), y: days.map((d) => value(d[1])),
        ...(typeof extra === "function" ? extra(name) : extra || {}),
      };
      if (PLATFORM_COLORS[name] && !trace.marker) trace.marker = { color: PLATFORM_COLORS[name] };
      traces.push(trace);
    }
    return traces;
  }

  function table(id, columns, rows) {
    const node = el("table-" + id);
    if (!node) throw new Error(`no table ${id}`);
    if (!rows.length) {
      node.innerHTML = '<p class="muted">No rows for this selection.</p>';
      return;
    }
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    for (const c of columns) {
      const th = document.createElement("th");
      th.textContent = c.label;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const c of columns) {
        const td = tr.insertCell();
        const v = r[c.key];
        td.textContent = c.fmt ? format(v, c.fmt) : (isNull(v) ? "n/a" : String(v));
        if (c.fmt) td.className = "num";
        if (c.metric) {
          td.dataset.metric = c.metric(r);
          td.dataset.format = c.fmt;
          td.dataset.value = isNull(v) ? "" : String(v);
          metricsSet.add(td.dataset.metric);
        }
      }
    }
    node.replaceChildren(t);
  }

  function inSelection(rows, extra) {
    return rows.filter((r) => r.brand_id === state.brand && r.date >= state.start && r.date <= state.end &&
      (!extra || extra(r)));
  }

  function fail(error) {
    const box = el("error");
    box.hidden = false;
    box.textContent = "This page could not draw its figures: " + error;
    console.error(error);
  }

  function update() {
    readState();
    writeHash(state);
    pending.length = 0;
    metricsSet.clear();
    try {
      config.render(state);
      const missing = [...document.querySelectorAll(".metrics [data-metric]")]
        .map((n) => n.dataset.metric).filter((m) => !metricsSet.has(m));
      if (missing.length) throw new Error("figures not computed: " + missing.join(", "));
    } catch (e) {
      fail(e && e.stack ? e.stack : e);
      return;
    }
    const drawn = location.hash;
    Promise.all(pending).then(() => {
      // what the figures and charts on screen are for (tests wait for it after changing the controls)
      renders += 1;
      document.body.dataset.renders = String(renders);
      document.body.dataset.rendered = drawn;
    }, fail);
  }

  window.DASH = {
    data, state, sum, ratio, groupBy, latest, format, unique, isNull, setMetric, plot, daily, table,
    inSelection, PLATFORM_COLORS,
    // The page's script: DASH.page({datasets: [names whose rows carry brand_id and date], render(state)}).
    page(cfg) {
      config = cfg;
      const start = () => {
        try {
          const hash = readHash();
          if (payload.controls === "campaign") setupCampaign(hash);
          else setupDates(hash);
        } catch (e) {
          fail(e && e.stack ? e.stack : e);
          return;
        }
        update();
      };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    },
  };
})();

// The training panel's webview: draws the loss curves and numbers the extension posts ({type: "state",
// view, summary}); its buttons post {type: "cancel" | "resume" | "train"} back. No network, no eval.
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const W = 640, H = 260, PAD = { left: 56, right: 16, top: 12, bottom: 34 };

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  function drawChart(view) {
    const svg = $("chart");
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const points = [...view.trainLoss, ...view.evalLoss];
    if (!points.length) {
      const t = el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, svg);
      t.textContent = view.state === "starting" ? "Loading the model…" : "Waiting for the first step…";
      return;
    }
    const maxStep = Math.max(view.totalSteps || 0, ...points.map((p) => p[0]), 1);
    let lo = Math.min(...points.map((p) => p[1])), hi = Math.max(...points.map((p) => p[1]));
    if (hi - lo < 1e-6) { hi += 0.5; lo = Math.max(0, lo - 0.5); }
    const x = (s) => PAD.left + (s / maxStep) * (W - PAD.left - PAD.right);
    const y = (v) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
    el("line", { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: "axis" }, svg);
    el("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: "axis" }, svg);
    for (const [v, label] of [[hi, hi.toFixed(3)], [lo, lo.toFixed(3)]]) {
      el("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, svg).textContent = label;
    }
    el("text", { x: PAD.left, y: H - 12, class: "tick" }, svg).textContent = "0";
    el("text", { x: W - PAD.right, y: H - 12, "text-anchor": "end", class: "tick" }, svg).textContent = `step ${maxStep}`;
    const line = (pts, cls) => {
      if (!pts.length) return;
      el("polyline", { points: pts.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(" "), class: `curve ${cls}` }, svg);
      for (const [s, v] of pts.length <= 60 ? pts : [pts[pts.length - 1]]) {
        el("circle", { cx: x(s).toFixed(1), cy: y(v).toFixed(1), r: 2.5, class: `dot ${cls}` }, svg);
      }
    };
    line(view.trainLoss, "train");
    line(view.evalLoss, "eval");
  }

  const STATE_WORDS = { starting: "Starting", running: "Training", done: "Finished", cancelled: "Cancelled", failed: "Failed" };

  function render(view, summary) {
    document.body.dataset.state = view.state;
    $("state").textContent = STATE_WORDS[view.state] || view.state;
    $("summary").textContent = summary;
    const percent = view.totalSteps ? Math.min(100, Math.round((100 * view.step) / view.totalSteps)) : 0;
    $("bar").style.width = `${view.state === "done" ? 100 : percent}%`;
    $("lr").textContent = typeof view.learningRate === "number" ? view.learningRate.toExponential(2) : "–";
    $("tps").textContent = typeof view.tokensPerSecond === "number" ? String(Math.round(view.tokensPerSecond)) : "–";
    $("outcome").textContent = view.outcome || "";
    const running = view.state === "running" || view.state === "starting";
    $("cancel").hidden = !running;
    $("resume").hidden = !(view.state === "cancelled" && view.resumable);
    $("train").hidden = running;
    drawChart(view);
  }

  for (const type of ["cancel", "resume", "train"]) {
    $(type).addEventListener("click", () => {
      if (type === "cancel") $("cancel").disabled = true;
      vscode.postMessage({ type });
    });
  }
  window.addEventListener("message", (event) => {
    const message = event.data;
    if (message && message.type === "state") {
      $("cancel").disabled = false;
      render(message.view, message.summary);
    }
  });
  vscode.postMessage({ type: "ready" });
})();

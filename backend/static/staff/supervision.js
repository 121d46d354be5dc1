/* The supervision dashboard's charts: ECharts (vendored, backend/static/vendor/echarts) draws what the
   page put in #dash-data; the tables beside the charts hold the same figures. */
(function () {
  "use strict";
  var source = document.getElementById("dash-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  document.body.classList.add("has-charts");
  var font = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var colors = ["#b3261e", "#0b4f9c", "#1e6b34", "#c77700", "#6a3d9a", "#555555"];
  var charts = [];

  function draw(id, figure, kind, options) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var any = figure.series.some(function (s) { return s.data.some(function (v) { return v; }); });
    if (!any) { box.classList.add("no-data"); return; }  // nothing to draw: the table says so
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var narrow = box.clientWidth < 500;
    chart.setOption({
      color: colors,
      textStyle: { fontFamily: font },
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: figure.x, axisLabel: { hideOverlap: true, fontSize: narrow ? 11 : 12 } },
      yAxis: { type: "value", minInterval: 1, name: options.unit || "" },
      series: figure.series.map(function (s) {
        return { name: s.name, type: kind, data: s.data, stack: options.stack ? "all" : undefined,
                 barMaxWidth: 40, label: { show: options.labels, position: "top" } };
      })
    });
    charts.push(chart);
  }

  draw("chart-completion", data.completion, "bar", { unit: "工作日", labels: true });
  draw("chart-per-day", data.per_day, "bar", { stack: true, unit: "件" });
  draw("chart-approval", data.approval, "bar", { stack: true, unit: "件" });
  draw("chart-coverage", data.coverage, "bar", { stack: true, unit: "户" });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());

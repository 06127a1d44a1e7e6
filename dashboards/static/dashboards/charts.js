/* The dashboard's charts, drawn with the vendored ECharts from data the page carries in
 * <script type="application/json"> elements (Django's json_script): no inline script.
 * Each chart's numbers are also a table of the page; without JavaScript, or when ECharts
 * did not load, the chart boxes stay hidden and the tables are all there is. */
(function () {
  "use strict";

  // Bootstrap's success, secondary-blue and danger: late is red wherever it shows.
  var TONES = { good: "#198754", neutral: "#6ea8fe", bad: "#dc3545" };

  function option(data) {
    var line = data.kind === "line";
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: line ? 40 : 72, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: line ? {} : { interval: 0, rotate: 45 },
      },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: line && data.categories.length > 60 ? [{ type: "slider", bottom: 4 }] : [],
      series: data.series.map(function (series) {
        return {
          name: series.name,
          type: line ? "line" : "bar",
          stack: data.stacked ? "total" : undefined,
          smooth: false,
          showSymbol: data.categories.length <= 62,
          data: series.data,
          itemStyle: TONES[series.tone] ? { color: TONES[series.tone] } : undefined,
          lineStyle: TONES[series.tone] ? { color: TONES[series.tone] } : undefined,
        };
      }),
    };
  }

  function draw() {
    if (typeof window.echarts === "undefined") {
      return; // the tables carry the numbers
    }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var data;
      try {
        data = JSON.parse(source.textContent);
      } catch (error) {
        return;
      }
      if (!data || !data.categories || !data.categories.length) {
        return;
      }
      box.hidden = false;
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(data));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

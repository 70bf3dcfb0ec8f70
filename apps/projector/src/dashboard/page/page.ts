/** The dashboard's page: panels filled by app.js; charts by ECharts served from the project's node_modules. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>callpool dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2430; }
  header { background: #1d2430; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0 12px 0 0; }
  header label { font-size: 12px; } header input { font: inherit; }
  header a { color: #9cc3ff; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; padding: 14px; }
  section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 14px; margin: 0 0 6px; color: #3a4556; }
  .chart { height: 260px; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e6e8ec; white-space: nowrap; }
  .note { color: #6b7688; font-size: 12px; }
  .counts span { display: inline-block; margin-right: 18px; font-size: 13px; }
  .counts b { font-size: 18px; }
</style>
</head>
<body>
<header>
  <h1>callpool</h1>
  <form id="period">
    <label>from <input type="datetime-local" name="from" step="60"></label>
    <label>to <input type="datetime-local" name="to" step="60"></label>
    <button type="submit">Show</button> <span class="note" id="period-note"></span>
  </form>
  <span>CSV: <a id="export-calls" href="/dashboard/export/calls.csv">calls</a> · <a id="export-listings" href="/dashboard/export/listing-performance.csv">listing performance</a></span>
</header>
<main>
  <section class="wide"><h2>Pool over time by state (UTC windows of 10 minutes), against the seed rule and POOL_MAX</h2><div class="chart" id="chart-pool"></div><p class="note" id="pool-cap-note"></p></section>
  <section><h2>Overflow displays per window</h2><div class="chart" id="chart-overflow"></div></section>
  <section><h2>Calls per hour by attribution</h2><div class="chart" id="chart-attribution"></div></section>
  <section><h2>Calls per hour by confidence</h2><div class="chart" id="chart-confidence"></div></section>
  <section><h2>Calls per hour by how they were settled</h2><div class="chart" id="chart-resolution"></div><p class="note" id="resolution-note"></p></section>
  <section><h2>Top listings (calls, whole UTC days of the period)</h2><table id="top-listings"></table></section>
  <section><h2>Top dealers</h2><table id="top-dealers"></table></section>
  <section><h2>Dealer notifications</h2><div class="counts" id="delivery-counts"></div><table id="delivery-failing"></table></section>
  <section class="wide"><h2>Recent calls <span class="note" id="recent-note"></span></h2><table id="recent-calls"></table></section>
</main>
<script src="/dashboard/echarts.min.js"></script>
<script src="/dashboard/app.js"></script>
</body>
</html>`;

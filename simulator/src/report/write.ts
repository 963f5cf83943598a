/** Writes a run's outputs into its folder: CSVs, summary.json, report.md and SVG charts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { billsSpec, ChartData, energySpec, flowsSpec, pricesSpec } from '../charts/specs';
import { renderSvg } from '../charts/render';
import { meteredWh, scheduledWh } from '../sim/delivery';
import { RunRecord } from '../sim/record';
import { stableJson } from '../util/stable-json';
import { toCsv } from './csv';
import { runTitle } from './format';
import { CHART_FILES, renderReport } from './markdown';
import { computeMetrics, Metrics } from './metrics';
import { summarize, Summary } from './summary';

function homeHourRows(run: RunRecord) {
  const participant = new Map(run.homes.map((h) => [h.id, h.participantId]));
  // A column only the trade policy fills: runs without it keep their CSV as before.
  const trade = run.config.batteryPolicy === 'trade';
  return run.hours.flatMap((h) => {
    const reconciled = new Map((h.reconciliation?.entries ?? []).map((e) => [e.participantId, e]));
    return h.homes.map((x) => ({
      hour: h.index,
      deliveryStart: h.deliveryStart,
      home: x.id,
      generationWh: x.position.generationWh,
      demandWh: x.position.demandWh,
      batteryChargedWh: x.position.battery.chargedWh,
      batteryDischargedWh: x.position.battery.dischargedWh,
      batteryLossWh: x.position.battery.lossWh,
      socWh: x.position.battery.socAfterWh,
      ...(trade ? { batterySoldWh: x.position.battery.soldWh } : {}),
      side: x.intent?.side ?? '',
      energyWh: x.intent?.energyWh ?? 0,
      limitPrice: x.intent?.limitPrice ?? '',
      amendedLimit: x.amendedLimit ?? '',
      status: x.allocation?.status ?? '',
      internalWh: x.allocation?.internalWh ?? 0,
      gridWh: x.allocation?.gridWh ?? 0,
      amount: x.allocation?.amount ?? 0,
      forecastGenerationWh: (x.forecast ?? x.position).generationWh,
      forecastDemandWh: (x.forecast ?? x.position).demandWh,
      meterExportWh: x.position.exportWh,
      meterImportWh: x.position.importWh,
      scheduledWh: scheduledWh(x),
      imbalanceWh: meteredWh(x.position) - scheduledWh(x),
      imbalanceAmount: reconciled.get(participant.get(x.id)!)?.amount ?? '',
    }));
  });
}

export async function writeRun(dir: string, run: RunRecord, opts: { charts?: boolean } = {}): Promise<{ summary: Summary; metrics: Metrics }> {
  const metrics = computeMetrics(run);
  const summary = summarize(run, metrics);
  mkdirSync(join(dir, 'charts'), { recursive: true });
  writeFileSync(join(dir, 'hours.csv'), toCsv(metrics.hours));
  writeFileSync(join(dir, 'households.csv'), toCsv(metrics.homes));
  writeFileSync(join(dir, 'household-hours.csv'), toCsv(homeHourRows(run)));
  writeFileSync(join(dir, 'summary.json'), stableJson(summary));
  writeFileSync(join(dir, 'report.md'), renderReport(summary, metrics));
  if (opts.charts !== false) await writeCharts(dir, metrics, runTitle(run.config));
  return { summary, metrics };
}

export async function writeCharts(dir: string, m: ChartData, title: string): Promise<void> {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  const specs: [string, unknown][] = [
    [CHART_FILES.energy, energySpec(m, title)],
    [CHART_FILES.prices, pricesSpec(m, title)],
    [CHART_FILES.flows, flowsSpec(m, title)],
    [CHART_FILES.bills, billsSpec(m, title)],
  ];
  for (const [file, spec] of specs) writeFileSync(join(dir, file), await renderSvg(spec));
}

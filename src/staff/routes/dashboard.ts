import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { dashboard } from '../../core/cases/dashboard.ts';
import { actorOf } from '../identity.ts';
import { page } from '../render.ts';
import { barChart, columnChart } from '../charts.ts';

const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'Europe/London' });

/** The supervisors' dashboard at /staff/dashboard: charts drawn on the server, each with its table. */
export async function dashboardRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  app.get('/dashboard', { config: { ability: 'dashboard.view' } }, async (req, reply) => {
    const figures = await dashboard(store, clock, actorOf(req));
    const labels = figures.days.map((d) => dayLabel.format(d.date));
    const received = figures.days.reduce((n, d) => n + d.received, 0);
    const closed = figures.days.reduce((n, d) => n + d.closed, 0);
    const perDay = columnChart({
      id: 'per-day',
      title: 'Requests received and closed per day, last 30 days',
      description: `${received} received and ${closed} closed in 30 days. The table below the chart gives each day's figures.`,
      labels,
      labelEvery: 5,
      series: [{ name: 'Received', values: figures.days.map((d) => d.received) }, { name: 'Closed', values: figures.days.map((d) => d.closed) }],
    });
    const top = figures.services.slice(0, 15);
    const perService = top.length
      ? barChart({
          id: 'per-service',
          title: 'Open and overdue requests per service',
          description: `${figures.totals.open} open, ${figures.totals.overdue} overdue. The table below gives each service's figures.`,
          labels: top.map((s) => s.name),
          series: [{ name: 'Open', values: top.map((s) => s.open) }, { name: 'Overdue', values: top.map((s) => s.overdue) }],
        })
      : undefined;
    const timed = figures.services.filter((s) => s.averageCloseDays !== undefined).slice(0, 15);
    const closeTimes = timed.length
      ? barChart({
          id: 'close-time',
          title: 'Average days to close, requests closed in the last 30 days',
          description: 'The table below gives each service’s average.',
          labels: timed.map((s) => s.name),
          unit: ' d',
          series: [{ name: 'Average days to close', values: timed.map((s) => s.averageCloseDays!) }],
        })
      : undefined;
    return page(req, reply, 'dashboard.njk', { title: 'Dashboard', figures, perDay, perService, closeTimes, timed, labels, received, closed, limitedTo: actorOf(req).groups });
  });
}

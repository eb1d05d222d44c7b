/* figures — zone, counter, function and process figures; see figures.h. */
#include "model/figures.h"

#include <string.h>

#include "model/hist.h"
#include "model/series.h"

double figures_duration(const struct profile *p)
{
	if (!p || !p->have_since || p->latest < p->since)
		return 0;
	return p->latest - p->since;
}

/* Rates are over at least one second, as the live view's are. */
static double per_second(double n, double seconds)
{
	return n / (seconds > 1 ? seconds : 1);
}

/* The one place the agent's exact statistics override the histogram's. */
static void exact_over(const struct profile_zone *z, struct zone_figures *f)
{
	if (!z->exact_count)
		return;
	f->count = z->exact_count;
	f->total_ns = z->exact_sum_ns;
	f->mean_ns = z->exact_sum_ns / (double)z->exact_count;
	f->min_ns = (double)z->exact_min_ns;
	f->max_ns = (double)z->exact_max_ns;
}

void figures_zone(const struct profile *p, uint32_t z, struct zone_figures *out)
{
	const struct profile_zone *zn = &p->zones[z];
	const struct hist *h = &zn->hist;

	memset(out, 0, sizeof(*out));
	out->name = zn->name;
	out->count = h->count;
	out->total_ns = h->sum_ns;
	out->mean_ns = hist_mean(h);
	out->min_ns = (double)h->min_ns;
	out->max_ns = (double)h->max_ns;
	if (h->count) {
		out->p50_ns = hist_quantile(h, 0.50);
		out->p90_ns = hist_quantile(h, 0.90);
		out->p95_ns = hist_quantile(h, 0.95);
		out->p99_ns = hist_quantile(h, 0.99);
		out->p999_ns = hist_quantile(h, 0.999);
		out->have_pcts = true;
	}
	exact_over(zn, out);
	out->rate_per_s = per_second((double)out->count, figures_duration(p));
}

void figures_zone_summary(const struct profile_zone_summary *s, struct zone_figures *out)
{
	memset(out, 0, sizeof(*out));
	out->count = s->count;
	out->rate_per_s = s->rate_per_s;
	out->total_ns = s->total_ns;
	out->mean_ns = s->mean_ns;
	out->min_ns = (double)s->min_ns;
	out->max_ns = (double)s->max_ns;
	out->p50_ns = s->p50_ns;
	out->p90_ns = s->p90_ns;
	out->p95_ns = s->p95_ns;
	out->p99_ns = s->p99_ns;
	out->p999_ns = s->p999_ns;
	out->have_pcts = s->count > 0;
}

void figures_zone_scoped(const struct profile_zone *z, const struct profile_zone_summary *s,
			 struct zone_figures *out)
{
	figures_zone_summary(s, out);
	out->name = z->name;
	exact_over(z, out);
	out->rate_per_s = per_second((double)out->count, s->seconds);
}

void figures_counter(const struct profile *p, uint32_t c, struct counter_figures *out)
{
	const struct profile_counter *cn = &p->counters[c];

	memset(out, 0, sizeof(*out));
	out->name = cn->name;
	out->gauge = cn->gauge;
	out->total = cn->total;
	if (!cn->gauge) {
		out->rate_avg = per_second(cn->total, figures_duration(p));
		out->rate_last = cn->rate_per_s;
		out->rate_min = cn->rate_per_min;
	}
}

static double pct(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0;
}

void figures_function(const struct profile *p, uint32_t id, struct function_figures *out)
{
	const struct profile_func *f = &p->funcs[id];

	out->id = id;
	out->name = f->name;
	out->module = f->module;
	out->file = f->file;
	out->line = f->line;
	out->self = f->self;
	out->total = f->total;
	out->self_pct = pct(f->self, p->samples);
	out->total_pct = pct(f->total, p->samples);
}

void figures_function_view(const struct profile *p, const struct profile_view *v, uint32_t id,
			   struct function_figures *out)
{
	figures_function(p, id, out);
	out->self = v->self[id];
	out->total = v->total[id];
	out->self_pct = pct(out->self, v->samples);
	out->total_pct = pct(out->total, v->samples);
}

void figures_process(const struct process *proc, struct process_figures *out)
{
	const struct series *cpu, *rss;

	memset(out, 0, sizeof(*out));
	if (!proc)
		return;
	cpu = &proc->series[PM_CPU];
	rss = &proc->series[PM_RSS];
	if (cpu->len) {
		struct series_stats st = series_stats_last(cpu, cpu->len);

		out->cpu_avg = st.avg;
		out->cpu_max = st.max;
		out->have_cpu = true;
	}
	if (rss->len) {
		struct series_stats st = series_stats_last(rss, rss->len);

		out->rss_start = (double)series_at(rss, 0) * 1024;
		out->rss_end = (double)series_last(rss, 0) * 1024;
		out->rss_growth = out->rss_end - out->rss_start;
		out->rss_max = st.max * 1024;
		out->have_rss = true;
	}
}

using System.Globalization;
using MLExtensions.Training;
using Spectre.Console;

namespace MLExtensions.Cli.Commands;

/// <summary>
/// Shows training progress: a live Spectre.Console bar (step, loss, metric, ETA) on an interactive terminal,
/// plain log lines (one per epoch/validation, at most one every few seconds otherwise) when output is redirected or CI is set.
/// </summary>
internal static class CliProgress
{
    public static bool Interactive =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!Interactive) return work(new LineReporter(title));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                result = work(new BarReporter(task, title));
                task.Value = task.MaxValue;
            });
        return result;
    }

    internal static string Describe(TrainingProgress p)
    {
        var metric = p.Metric.HasValue ? $" {p.MetricName} {p.Metric:F4}" : "";
        var best = p.BestMetric.HasValue ? $" (best {p.BestMetric:F4})" : "";
        var eta = p.Eta.HasValue ? $" ETA {FormatEta(p.Eta.Value)}" : "";
        return $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.TotalSteps} loss {p.Loss:F4}{metric}{best}{eta}";
    }

    /// <summary>hh:mm:ss, with the whole days in front from 24 hours on ("1d 03:12:00"); a negative estimate shows as zero.</summary>
    internal static string FormatEta(TimeSpan eta)
    {
        if (eta < TimeSpan.Zero) eta = TimeSpan.Zero;
        var clock = eta.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        return eta.Days > 0 ? string.Create(CultureInfo.InvariantCulture, $"{eta.Days}d {clock}") : clock;
    }

    private sealed class BarReporter(ProgressTask task, string title) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            task.Value = p.Fraction;
            task.Description = Markup.Escape($"{title}: {Describe(p)}");
        }
    }

    private sealed class LineReporter(string title) : IProgress<TrainingProgress>
    {
        private DateTime _last = DateTime.UtcNow;

        public void Report(TrainingProgress p)
        {
            var now = DateTime.UtcNow;
            if (!p.IsValidation && p.Step != p.TotalSteps && now - _last < TimeSpan.FromSeconds(5)) return;
            _last = now;
            Console.Error.WriteLine($"[{title}] {Describe(p)}");
        }
    }
}

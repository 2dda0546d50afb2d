using MLExtensions.Cli.Commands;
using MLExtensions.Training;

namespace MLExtensions.Tests.Cli;

/// <summary>The CLI's progress line: the ETA keeps the days of runs longer than 24 hours.</summary>
[TestClass]
public sealed class CliProgressTests
{
    [TestMethod]
    [DataRow(0L, 0, 5, 7, "00:05:07")]
    [DataRow(0L, 23, 59, 59, "23:59:59")]
    [DataRow(1L, 0, 0, 0, "1d 00:00:00")]
    [DataRow(1L, 3, 12, 0, "1d 03:12:00")]
    [DataRow(12L, 20, 1, 2, "12d 20:01:02")]
    public void The_eta_shows_hours_minutes_seconds_and_whole_days_in_front(long days, int hours, int minutes, int seconds, string expected) =>
        Assert.AreEqual(expected, CliProgress.FormatEta(new TimeSpan((int)days, hours, minutes, seconds)));

    [TestMethod]
    public void Fractions_of_a_second_are_dropped_and_a_negative_estimate_shows_as_zero()
    {
        Assert.AreEqual("1d 01:00:00", CliProgress.FormatEta(TimeSpan.FromHours(25) + TimeSpan.FromMilliseconds(999)));
        Assert.AreEqual("00:00:00", CliProgress.FormatEta(TimeSpan.FromSeconds(-3)));
    }

    [TestMethod]
    public void A_progress_line_of_a_run_longer_than_a_day_carries_the_days()
    {
        var line = CliProgress.Describe(new TrainingProgress
        {
            Epoch = 2, Epochs = 100, Step = 170, TotalSteps = 8500, Loss = 0.5, MetricName = "MRR", Metric = 0.25,
            Elapsed = TimeSpan.FromMinutes(40), Eta = TimeSpan.FromHours(30.5),
        });
        StringAssert.EndsWith(line, "ETA 1d 06:30:00");
        StringAssert.StartsWith(line, "epoch 2/100 step 170/8500 loss 0.5000 MRR 0.2500");
    }
}

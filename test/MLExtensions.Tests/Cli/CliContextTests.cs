using MLExtensions.Cli.Commands;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Cli;

/// <summary>The CLI's device choice: <c>--gpu N</c> or <c>MLEXT_GPU</c>, never a silent fallback to the CPU.</summary>
[TestClass]
[DoNotParallelize]
public sealed class CliContextTests
{
    private string? _savedEnv;

    [TestInitialize]
    public void Save()
    {
        _savedEnv = Environment.GetEnvironmentVariable("MLEXT_GPU");
        Environment.SetEnvironmentVariable("MLEXT_GPU", null);
        CliContext.GpuFromOption = null;
    }

    [TestCleanup]
    public void Restore()
    {
        Environment.SetEnvironmentVariable("MLEXT_GPU", _savedEnv);
        CliContext.GpuFromOption = null;
    }

    [TestMethod]
    public void Without_a_choice_commands_run_on_the_cpu()
    {
        var ctx = CliContext.Create(seed: 1);
        Assert.IsNull(ctx.GpuDeviceId);
        Assert.AreEqual(Device.CPU, ctx.ResolveDevice());
        Assert.AreEqual(1, ctx.Seed);
    }

    [TestMethod]
    public void A_gpu_asked_for_is_used_or_the_command_fails_naming_it()
    {
        CliContext.GpuFromOption = 0;
        var ctx = CliContext.Create();
        Assert.AreEqual(0, ctx.GpuDeviceId);
        Assert.IsFalse(ctx.FallbackToCpu);
        if (Cuda.IsAvailable())
        {
            Assert.AreEqual(Device.CUDA(0), ctx.ResolveDevice());
            return;
        }
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ctx.ResolveDevice());
        StringAssert.Contains(e.Message, "GPU 0 was requested");
    }

    [TestMethod]
    public void The_option_overrides_the_environment_variable()
    {
        Environment.SetEnvironmentVariable("MLEXT_GPU", "3");
        Assert.AreEqual(3, CliContext.GpuDevice());
        CliContext.GpuFromOption = 1;
        Assert.AreEqual(1, CliContext.GpuDevice());
    }

    [TestMethod]
    [DataRow("cuda:0")]
    [DataRow("-1")]
    [DataRow("one")]
    public void A_malformed_MLEXT_GPU_is_refused_with_its_value(string value)
    {
        Environment.SetEnvironmentVariable("MLEXT_GPU", value);
        var e = Assert.ThrowsExactly<ArgumentException>(() => CliContext.Create());
        StringAssert.Contains(e.Message, $"MLEXT_GPU='{value}'");
    }
}

using MLExtensions.Torch;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class ContextTests
{
    // No machine has 64 GPUs, so this id falls back on CPU-only and GPU machines alike.
    private const int AbsentGpu = 63;

    [TestMethod]
    public void Cpu_by_default_without_log()
    {
        var ctx = new MLExtContext();
        var logs = new List<LogEventArgs>();
        ctx.Log += (_, e) => logs.Add(e);
        Assert.AreEqual(Device.CPU, ctx.ResolveDevice());
        Assert.AreEqual(0, logs.Count);
    }

    [TestMethod]
    public void Absent_gpu_falls_back_to_cpu_and_logs_once()
    {
        var ctx = new MLExtContext { GpuDeviceId = AbsentGpu };
        var logs = new List<LogEventArgs>();
        ctx.Log += (_, e) => logs.Add(e);
        Assert.AreEqual(Device.CPU, ctx.ResolveDevice());
        Assert.AreEqual(Device.CPU, ctx.ResolveDevice());
        Assert.AreEqual(Device.CPU, ctx.ResolveDevice());
        Assert.AreEqual(1, logs.Count);
        Assert.AreEqual(MessageSeverity.Warning, logs[0].Severity);
        Assert.AreEqual("Device", logs[0].Source);
        StringAssert.Contains(logs[0].Message, $"GPU {AbsentGpu} was requested");
        StringAssert.EndsWith(logs[0].Message, "running on the CPU instead.");
    }

    [TestMethod]
    public void Absent_gpu_without_fallback_throws_a_clear_error()
    {
        var ctx = new MLExtContext { GpuDeviceId = AbsentGpu, FallbackToCpu = false };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ctx.ResolveDevice());
        StringAssert.Contains(e.Message, $"GpuDeviceId = {AbsentGpu}");
        StringAssert.Contains(e.Message, "Set FallbackToCpu = true");
    }

    [TestMethod]
    public void First_gpu_is_used_when_present()
    {
        var ctx = new MLExtContext { GpuDeviceId = 0 };
        var expected = Cuda.IsAvailable() ? Device.CUDA(0) : Device.CPU;
        Assert.AreEqual(expected, ctx.ResolveDevice());
    }

    [TestMethod]
    public void Same_seed_gives_same_tensors_and_shuffles()
    {
        var a = new MLExtContext(seed: 42);
        using var ta = torch.Randn([5]);
        int ra = a.Random.Next();
        var b = new MLExtContext(seed: 42);
        using var tb = torch.Randn([5]);
        int rb = b.Random.Next();
        CollectionAssert.AreEqual(ta.ToArray<float>(), tb.ToArray<float>());
        Assert.AreEqual(ra, rb);
        Assert.AreEqual(42, a.Seed);
    }
}

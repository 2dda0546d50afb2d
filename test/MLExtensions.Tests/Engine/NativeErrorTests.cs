using MLExtensions.Torch;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class NativeErrorTests
{
    [TestMethod]
    public void ShapeErrorBecomesManagedExceptionAndNextOpWorks()
    {
        using var a = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var e = Assert.ThrowsExactly<TorchException>(() => a.Matmul(a));
        StringAssert.Contains(e.Message, "cannot be multiplied");
        StringAssert.Contains(e.Message, "2x3");
        using var b = a.Matmul(a.T());
        CollectionAssert.AreEqual(new float[] { 14, 32, 32, 77 }, b.ToArray<float>());
    }

    [TestMethod]
    public void WrongDtypeAndBadArgumentsAreManagedExceptions()
    {
        using var f = Tensor.From(new float[] { 1, 2 });
        using var idx = Tensor.From(new float[] { 0 });
        Assert.ThrowsExactly<TorchException>(() => f.IndexSelect(0, idx));
        Assert.ThrowsExactly<InvalidOperationException>(() => f.ToArray<long>());
        Assert.ThrowsExactly<ArgumentException>(() => Tensor.From(new float[] { 1, 2, 3 }, 2, 2));
        var e = Assert.ThrowsExactly<TorchException>(() => MLExtensions.Torch.Interop.Op.Get("aten::no_such_op"));
        StringAssert.Contains(e.Message, "no_such_op");
    }

    [TestMethod]
    public void ErrorsOnOtherThreadsStayOnTheirThread()
    {
        var errors = new string?[4];
        Parallel.For(0, 4, i =>
        {
            using var a = torch.Zeros([2, i + 3]);
            try { a.Matmul(a); } catch (TorchException e) { errors[i] = e.Message; }
        });
        for (int i = 0; i < 4; i++) StringAssert.Contains(errors[i], $"2x{i + 3}");
    }

    [TestMethod]
    public void DisposedTensorThrowsObjectDisposed()
    {
        var t = torch.Ones([2]);
        t.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => t.Sum());
    }

    [TestMethod]
    public void CudaRequestWithoutGpuFailsClearlyOrWorks()
    {
        if (Cuda.IsAvailable())
        {
            using var t = torch.Ones([2], device: Device.CUDA(0));
            Assert.AreEqual(DeviceType.CUDA, t.Device.Type);
            return;
        }
        Assert.AreEqual(0, Cuda.DeviceCount());
        using var c = torch.Ones([2]);
        Assert.ThrowsExactly<TorchException>(() => c.Cuda());
    }
}

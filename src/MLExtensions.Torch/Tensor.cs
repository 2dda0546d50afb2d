using System.Runtime.InteropServices;
using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>Owns one native at::Tensor handle; released exactly once (Dispose, its dispose scope, or finalization).</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) { SetHandle(handle); }
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.mlx_tensor_free(handle);
        return true;
    }
}

/// <summary>
/// An n-dimensional array on a device, with autograd. Torch-like names, .NET-style surface:
/// dispose it (or open a <see cref="DisposeScope"/>) to free native memory deterministically.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;
    private ScalarType? _dtype;
    private Device? _device;

    internal Tensor(IntPtr handle)
    {
        _handle = new TensorHandle(handle);
        DisposeScope.Current?.Attach(this);
    }

    internal DisposeScope? Scope { get; set; }

    internal IntPtr Handle
    {
        get
        {
            if (_handle.IsClosed) throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (directly or by its DisposeScope)");
            return _handle.DangerousGetHandle();
        }
    }

    public bool IsDisposed => _handle.IsClosed;

    public void Dispose()
    {
        Scope = null;
        _handle.Dispose();
    }

    /// <summary>Hands this tensor to the scope outside its current one (or to no scope): it survives the step.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        var outer = Scope?.Outer;
        Scope = null;
        outer?.Attach(this);
        return this;
    }

    /// <summary>Removes this tensor from every dispose scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    private void LoadInfo()
    {
        NativeMethods.Check(NativeMethods.mlx_tensor_info(Handle, out int ndim, out int dtype, out int devType, out int devIndex, out _));
        var shape = new long[ndim];
        unsafe
        {
            fixed (long* p = shape) NativeMethods.Check(NativeMethods.mlx_tensor_shape(Handle, p, ndim));
        }
        _shape = shape;
        _dtype = (ScalarType)dtype;
        _device = new Device((DeviceType)devType, devIndex);
    }

    /// <summary>Sizes of every dimension (a copy).</summary>
    public long[] Shape { get { if (_shape is null) LoadInfo(); return (long[])_shape!.Clone(); } }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        if (_shape is null) LoadInfo();
        int d = dim < 0 ? dim + _shape!.Length : dim;
        if (d < 0 || d >= _shape!.Length) throw new ArgumentOutOfRangeException(nameof(dim), $"dimension {dim} out of range for a {_shape!.Length}-d tensor");
        return _shape[d];
    }

    public int Dim { get { if (_shape is null) LoadInfo(); return _shape!.Length; } }
    public long NumEl { get { if (_shape is null) LoadInfo(); long n = 1; foreach (var s in _shape!) n *= s; return n; } }
    public ScalarType DType { get { if (_dtype is null) LoadInfo(); return _dtype!.Value; } }
    public Device Device { get { if (_device is null) LoadInfo(); return _device!.Value; } }

    // ---- autograd -------------------------------------------------------------------------------

    public bool RequiresGrad
    {
        get { NativeMethods.Check(NativeMethods.mlx_requires_grad(Handle, out var r)); return r != 0; }
        set => NativeMethods.Check(NativeMethods.mlx_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets requires_grad and returns this tensor (fluent).</summary>
    public Tensor RequiresGrad_(bool value = true) { RequiresGrad = value; return this; }

    /// <summary>The accumulated gradient, or null. A new handle each call (dispose it or let the scope do it).</summary>
    public Tensor? Grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.mlx_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => NativeMethods.Check(NativeMethods.mlx_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        NativeMethods.Check(NativeMethods.mlx_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retainGraph ? 1 : 0, createGraph ? 1 : 0));
        GC.KeepAlive(gradient);
    }

    /// <summary>Clears the gradient (to None by default, like PyTorch 2's zero_grad).</summary>
    public void ZeroGrad(bool setToNone = true) => NativeMethods.Check(NativeMethods.mlx_zero_grad(Handle, setToNone ? 1 : 0));

    // ---- devices and dtypes ---------------------------------------------------------------------

    public Tensor To(Device device, ScalarType? dtype = null, bool nonBlocking = false)
    {
        NativeMethods.Check(NativeMethods.mlx_tensor_to(Handle, (int)device.Type, device.Index, dtype.HasValue ? (int)dtype.Value : -1, nonBlocking ? 1 : 0, out var r));
        return new Tensor(r);
    }

    public Tensor To(ScalarType dtype) => To(Device, dtype);
    public Tensor Cpu() => To(Device.CPU);
    public Tensor Cuda(int index = 0) => To(Device.CUDA(index));
    public Tensor Float() => To(ScalarType.Float32);
    public Tensor Double() => To(ScalarType.Float64);
    public Tensor Long() => To(ScalarType.Int64);
    public Tensor Int() => To(ScalarType.Int32);
    public Tensor Bool() => To(ScalarType.Bool);

    /// <summary>A second handle to the same tensor (shares storage and autograd identity).</summary>
    public Tensor Alias()
    {
        NativeMethods.Check(NativeMethods.mlx_tensor_shallow_clone(Handle, out var r));
        return new Tensor(r);
    }

    // ---- host data ------------------------------------------------------------------------------

    internal static ScalarType TypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(byte) ? ScalarType.UInt8 :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        typeof(T) == typeof(Half) ? ScalarType.Float16 :
        throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}");

    /// <summary>Copies host data into a new CPU tensor of the given shape (default: 1-d).</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        long n = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape.ToArray())}]", nameof(shape));
            n *= s;
        }
        if (n != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] needs {n} elements but {data.Length} were given", nameof(shape));
        fixed (T* p = data)
        fixed (long* sp = shape)
        {
            NativeMethods.Check(NativeMethods.mlx_tensor_from_data(p, (long)data.Length * sizeof(T), sp, shape.Length, (int)TypeOf<T>(), out var h));
            return new Tensor(h);
        }
    }

    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        From<T>(data.AsSpan(), shape.Length == 0 ? [data.LongLength] : shape);

    /// <summary>Creates a tensor of <paramref name="dtype"/> from raw little-endian bytes.</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, ReadOnlySpan<long> shape)
    {
        fixed (byte* p = bytes)
        fixed (long* sp = shape)
        {
            NativeMethods.Check(NativeMethods.mlx_tensor_from_data(p, bytes.Length, sp, shape.Length, (int)dtype, out var h));
            return new Tensor(h);
        }
    }

    /// <summary>Copies the tensor (any device) into a new host array, row-major. T must match the dtype.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        if (TypeOf<T>() != DType) throw new InvalidOperationException($"tensor dtype is {DType}; ToArray<{typeof(T).Name}> needs {TypeOf<T>()} (convert with To())");
        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the tensor into <paramref name="destination"/>, which must have exactly NumEl elements.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        if (TypeOf<T>() != DType) throw new InvalidOperationException($"tensor dtype is {DType}, not {TypeOf<T>()}");
        fixed (T* p = destination) NativeMethods.Check(NativeMethods.mlx_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)));
    }

    /// <summary>Raw bytes of the tensor in row-major order.</summary>
    public unsafe byte[] ToBytes()
    {
        var result = new byte[NumEl * DType.ElementSize()];
        fixed (byte* p = result) NativeMethods.Check(NativeMethods.mlx_tensor_copy_to(Handle, p, result.Length));
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public T Item<T>() where T : unmanaged
    {
        if (NumEl != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, this one has shape [{string.Join(", ", Shape)}]");
        if (TypeOf<T>() == DType) return ToArray<T>()[0];
        using var converted = To(TypeOf<T>());
        return converted.ToArray<T>()[0];
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {DType}, {Device})";
}

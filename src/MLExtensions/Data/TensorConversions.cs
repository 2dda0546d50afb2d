using MLExtensions.Torch;

namespace MLExtensions.Data;

/// <summary>Host buffer ⇄ tensor copies used by the column types.</summary>
internal static class TensorConversions
{
    public static Tensor FromHost<T>(ReadOnlySpan<T> values, long[] shape, Device? device) where T : unmanaged
    {
        var cpu = Tensor.From(values, shape);
        if (device is not { } d || d.Type == DeviceType.CPU) return cpu;
        try { return cpu.To(d); }
        finally { cpu.Dispose(); }
    }

    public static float[] ToHostFloats(Tensor t) => ToHost<float>(t, ScalarType.Float32);

    public static T[] ToHost<T>(Tensor t, ScalarType dtype) where T : unmanaged
    {
        if (t.DType == dtype) return t.ToArray<T>();
        using var converted = t.To(dtype);
        return converted.ToArray<T>();
    }
}

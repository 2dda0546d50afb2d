namespace MLExtensions.Torch;

/// <summary>Element types; the values are libtorch's c10::ScalarType codes.</summary>
public enum ScalarType
{
    UInt8 = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7,
    Bool = 11, BFloat16 = 15,
}

public static class ScalarTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this ScalarType t) => t switch
    {
        ScalarType.UInt8 or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown scalar type"),
    };

    public static bool IsFloatingPoint(this ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

    /// <summary>The dtype's safetensors name (F32, I64, ...).</summary>
    public static string SafetensorsName(this ScalarType t) => t switch
    {
        ScalarType.UInt8 => "U8", ScalarType.Int8 => "I8", ScalarType.Int16 => "I16", ScalarType.Int32 => "I32",
        ScalarType.Int64 => "I64", ScalarType.Float16 => "F16", ScalarType.Float32 => "F32", ScalarType.Float64 => "F64",
        ScalarType.Bool => "BOOL", ScalarType.BFloat16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "no safetensors name"),
    };

    public static ScalarType FromSafetensorsName(string name) => name switch
    {
        "U8" => ScalarType.UInt8, "I8" => ScalarType.Int8, "I16" => ScalarType.Int16, "I32" => ScalarType.Int32,
        "I64" => ScalarType.Int64, "F16" => ScalarType.Float16, "F32" => ScalarType.Float32, "F64" => ScalarType.Float64,
        "BOOL" => ScalarType.Bool, "BF16" => ScalarType.BFloat16,
        _ => throw new FormatException($"unsupported safetensors dtype '{name}'"),
    };
}

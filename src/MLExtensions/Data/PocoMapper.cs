using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace MLExtensions.Data;

/// <summary>Maps public properties of plain classes to columns and back (the POCO loader and the prediction engine).</summary>
internal static class PocoMapper
{
    internal sealed record Member(PropertyInfo Property, string Column, ColumnKind Kind, int? VectorSize);

    private static readonly ConcurrentDictionary<Type, Member[]> InputMembers = new();
    private static readonly ConcurrentDictionary<Type, Member[]> OutputMembers = new();

    private static bool IsFloatLike(Type t) => t == typeof(float) || t == typeof(double) || t == typeof(bool) || t == typeof(Half);
    private static bool IsIntegral(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(uint) || t == typeof(short) || t == typeof(ushort) ||
        t == typeof(byte) || t == typeof(sbyte) || t == typeof(ulong);

    private static ColumnKind? KindOf(PropertyInfo p)
    {
        var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        if (IsFloatLike(t)) return ColumnKind.Float;
        if (IsIntegral(t)) return ColumnKind.Key;
        if (t == typeof(string)) return p.GetCustomAttribute<ImagePathAttribute>() != null ? ColumnKind.ImagePath : ColumnKind.Text;
        if (t == typeof(float[]) || t == typeof(double[])) return ColumnKind.FloatVector;
        return null;
    }

    private static Member[] Describe(Type type, bool forWriting)
    {
        var members = new List<Member>();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<NoColumnAttribute>() != null) continue;
            if (forWriting ? p.SetMethod is not { IsPublic: true } : p.GetMethod is not { IsPublic: true }) continue;
            var kind = KindOf(p) ?? throw new NotSupportedException(
                $"{type.Name}.{p.Name} has type {p.PropertyType.Name}, which does not map to a column; supported: float, double, bool, " +
                "int, long, string, float[], double[] (mark the property [NoColumn] to skip it)");
            var name = p.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? p.Name;
            int? size = p.GetCustomAttribute<VectorTypeAttribute>()?.Size;
            if (size != null && kind != ColumnKind.FloatVector)
                throw new NotSupportedException($"{type.Name}.{p.Name}: [VectorType] applies to float[] or double[] properties only");
            if (members.Any(m => m.Column == name))
                throw new NotSupportedException($"{type.Name}: two properties map to column '{name}'");
            members.Add(new Member(p, name, kind, size));
        }
        if (members.Count == 0)
            throw new NotSupportedException($"{type.Name} has no public {(forWriting ? "settable" : "readable")} properties to map to columns");
        return members.ToArray();
    }

    /// <summary>The columns a type loads as.</summary>
    public static IReadOnlyList<Member> InputsOf(Type type) => InputMembers.GetOrAdd(type, t => Describe(t, forWriting: false));

    /// <summary>Reads every item's properties into columns (one pass over <paramref name="items"/>).</summary>
    public static DataBatch ToBatch<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var members = InputsOf(typeof(T));
        var floats = new List<float>[members.Count];
        var keys = new List<long>[members.Count];
        var strings = new List<string>[members.Count];
        var sizes = new int?[members.Count];
        for (int m = 0; m < members.Count; m++)
        {
            sizes[m] = members[m].VectorSize;
            switch (members[m].Kind)
            {
                case ColumnKind.Float or ColumnKind.FloatVector: floats[m] = new List<float>(); break;
                case ColumnKind.Key: keys[m] = new List<long>(); break;
                default: strings[m] = new List<string>(); break;
            }
        }
        int row = 0;
        foreach (var item in items)
        {
            if (item is null) throw new ArgumentException($"item {row} is null", nameof(items));
            for (int m = 0; m < members.Count; m++)
            {
                var member = members[m];
                object? value = member.Property.GetValue(item);
                switch (member.Kind)
                {
                    case ColumnKind.Float: floats[m].Add(ToFloat(value)); break;
                    case ColumnKind.Key: keys[m].Add(value is null ? throw Bad(member, row, "is null") : Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                    case ColumnKind.FloatVector: AddVector(floats[m], ref sizes[m], value, member, row); break;
                    default: strings[m].Add(value as string ?? ""); break;
                }
            }
            row++;
        }
        var columns = new DataColumn[members.Count];
        for (int m = 0; m < members.Count; m++)
        {
            var member = members[m];
            columns[m] = member.Kind switch
            {
                ColumnKind.Float => new FloatColumn(member.Column, floats[m].ToArray()),
                ColumnKind.Key => new KeyColumn(member.Column, keys[m].ToArray()),
                ColumnKind.FloatVector => new FloatVectorColumn(member.Column, floats[m].ToArray(), sizes[m] ?? throw new ArgumentException(
                    $"{typeof(T).Name}.{member.Property.Name}: the vector size of an empty sequence is unknown; add [VectorType(n)]", nameof(items))),
                ColumnKind.ImagePath => new ImagePathColumn(member.Column, strings[m].ToArray()),
                _ => new TextColumn(member.Column, strings[m].ToArray()),
            };
        }
        return new DataBatch(columns);
    }

    private static float ToFloat(object? value) => value switch
    {
        null => float.NaN,
        float f => f,
        double d => (float)d,
        bool b => b ? 1f : 0f,
        Half h => (float)h,
        _ => Convert.ToSingle(value, CultureInfo.InvariantCulture),
    };

    private static void AddVector(List<float> target, ref int? size, object? value, Member member, int row)
    {
        int length = value switch
        {
            float[] f => f.Length,
            double[] d => d.Length,
            _ => throw Bad(member, row, "is null"),
        };
        size ??= length;
        if (length != size)
            throw Bad(member, row, $"has {length} values; expected {size} ({(member.VectorSize != null ? "[VectorType]" : "the length of row 0")})");
        if (value is float[] fs) target.AddRange(fs);
        else foreach (var d in (double[])value!) target.Add((float)d);
    }

    private static ArgumentException Bad(Member m, int row, string problem) =>
        new($"{m.Property.DeclaringType?.Name}.{m.Property.Name} (column '{m.Column}') in item {row} {problem}");

    /// <summary>Creates one <typeparamref name="T"/> per row, setting each property from its column.</summary>
    public static IEnumerable<T> FromBatch<T>(DataBatch batch) where T : new()
    {
        ArgumentNullException.ThrowIfNull(batch);
        var members = OutputMembers.GetOrAdd(typeof(T), t => Describe(t, forWriting: true));
        var setters = members.Select(m => CreateSetter(m, batch)).ToArray();
        return Rows();

        IEnumerable<T> Rows()
        {
            for (int r = 0; r < batch.RowCount; r++)
            {
                var item = new T();
                object boxed = item;
                foreach (var set in setters) set(boxed, r);
                yield return (T)boxed;
            }
        }
    }

    private static Action<object, int> CreateSetter(Member member, DataBatch batch)
    {
        var p = member.Property;
        var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        var column = batch[member.Column];
        Func<int, object?>? get = (column, type) switch
        {
            (FloatColumn c, var t) when IsFloatLike(t) => r => ConvertFloat(c.Values.Span[r], t),
            (FloatColumn c, var t) when IsIntegral(t) => r => Convert.ChangeType(c.Values.Span[r], t, CultureInfo.InvariantCulture),
            (FloatColumn c, var t) when t == typeof(string) => r => c.FormatCell(r, 0),
            (KeyColumn c, var t) when IsIntegral(t) => r => Convert.ChangeType(c.Values.Span[r], t, CultureInfo.InvariantCulture),
            (KeyColumn c, var t) when IsFloatLike(t) => r => ConvertFloat(c.Values.Span[r], t),
            (KeyColumn c, var t) when t == typeof(string) => c.GetName,
            (StringColumn c, var t) when t == typeof(string) => r => c.Values.Span[r],
            (FloatVectorColumn c, var t) when t == typeof(float[]) => r => c.GetRow(r).ToArray(),
            (FloatVectorColumn c, var t) when t == typeof(double[]) => r => ToDoubles(c.GetRow(r)),
            _ => null,
        };
        if (get is null)
            throw new NotSupportedException(
                $"column '{column.Name}' ({column.Schema.TypeDescription}) cannot be written to {p.DeclaringType?.Name}.{p.Name} of type {p.PropertyType.Name}");
        return (target, r) => p.SetValue(target, get(r));
    }

    private static object ConvertFloat(double v, Type t) =>
        t == typeof(float) ? (float)v : t == typeof(double) ? v : t == typeof(bool) ? v != 0 : (Half)v;

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}

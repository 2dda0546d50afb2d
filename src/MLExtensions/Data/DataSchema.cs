using System.Collections;

namespace MLExtensions.Data;

/// <summary>The ordered columns of a <see cref="DataBatch"/>: names, types and vector sizes.</summary>
public sealed class DataSchema : IReadOnlyList<ColumnSchema>
{
    private readonly ColumnSchema[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a schema; column names must be unique.</summary>
    public DataSchema(IEnumerable<ColumnSchema> columns)
    {
        _columns = columns.ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
            if (!_index.TryAdd(_columns[i].Name, i))
                throw new ArgumentException($"column '{_columns[i].Name}' appears twice in the schema", nameof(columns));
    }

    /// <summary>A schema without columns.</summary>
    public static DataSchema Empty { get; } = new(Array.Empty<ColumnSchema>());

    /// <inheritdoc />
    public int Count => _columns.Length;

    /// <inheritdoc />
    public ColumnSchema this[int index] => _columns[index];

    /// <summary>The column called <paramref name="name"/>; the error lists the columns that exist.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public ColumnSchema this[string name] =>
        _index.TryGetValue(name, out var i) ? _columns[i] : throw new KeyNotFoundException(MissingColumnMessage(name));

    /// <summary>Whether a column called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The position of a column, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Looks a column up without throwing.</summary>
    public bool TryGetColumn(string name, out ColumnSchema column)
    {
        if (_index.TryGetValue(name, out var i)) { column = _columns[i]; return true; }
        column = null!;
        return false;
    }

    /// <summary>
    /// The column called <paramref name="name"/>, checked to be one of <paramref name="kinds"/>; components call this
    /// to validate their input with a message that says what was found and what was expected.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    /// <exception cref="ArgumentException">The column has another type.</exception>
    public ColumnSchema Require(string name, params ColumnKind[] kinds)
    {
        var column = this[name];
        if (kinds.Length > 0 && Array.IndexOf(kinds, column.Kind) < 0)
            throw new ArgumentException(
                $"column '{name}' is {column.TypeDescription}; expected {string.Join(" or ", kinds)}");
        return column;
    }

    /// <summary>The message used when a column is missing: names it and lists what is available.</summary>
    public string MissingColumnMessage(string name)
    {
        var available = _columns.Length == 0 ? "(none)" : string.Join(", ", _columns.Select(c => c.ToString()));
        var near = _columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        var hint = near != null ? $" (did you mean '{near.Name}'? names are case-sensitive)" : "";
        return $"column '{name}' not found{hint}; available columns: {available}";
    }

    /// <inheritdoc />
    public IEnumerator<ColumnSchema> GetEnumerator() => ((IEnumerable<ColumnSchema>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _columns.Select(c => c.ToString()));
}

namespace MLExtensions.Data;

/// <summary>
/// Writes batches as delimited text with a header. Vector columns spread over one field per slot, named by their
/// slot names or Name.0, Name.1, ...; key columns write their key names when they have them.
/// </summary>
public static class CsvDataWriter
{
    /// <summary>Writes <paramref name="batches"/> (same columns each) to <paramref name="writer"/>, the header first.</summary>
    public static void Write(TextWriter writer, IEnumerable<DataBatch> batches, char separator = ',', bool writeHeader = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(batches);
        DataSchema? schema = null;
        foreach (var batch in batches)
        {
            if (schema is null)
            {
                schema = batch.Schema;
                if (writeHeader) WriteLine(writer, Header(schema), separator);
            }
            else if (!batch.Schema.Select(c => c.TypeDescription + c.Name).SequenceEqual(schema.Select(c => c.TypeDescription + c.Name)))
                throw new ArgumentException($"a batch has columns ({batch.Schema}) but the first had ({schema})", nameof(batches));
            var fields = new List<string>();
            for (int r = 0; r < batch.RowCount; r++)
            {
                fields.Clear();
                foreach (var column in batch.Columns)
                    for (int s = 0; s < column.Schema.VectorSize; s++) fields.Add(column.FormatCell(r, s));
                WriteLine(writer, fields, separator);
            }
        }
    }

    /// <summary>Writes <paramref name="batches"/> to a file (created or replaced).</summary>
    public static void Write(string path, IEnumerable<DataBatch> batches, char separator = ',', bool writeHeader = true)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
        Write(writer, batches, separator, writeHeader);
    }

    private static IEnumerable<string> Header(DataSchema schema)
    {
        foreach (var c in schema)
        {
            if (c.Kind != ColumnKind.FloatVector) { yield return c.Name; continue; }
            for (int s = 0; s < c.VectorSize; s++) yield return c.SlotNames?[s] ?? $"{c.Name}.{s}";
        }
    }

    private static void WriteLine(TextWriter writer, IEnumerable<string> fields, char separator)
    {
        bool first = true;
        foreach (var f in fields)
        {
            if (!first) writer.Write(separator);
            first = false;
            writer.Write(NeedsQuotes(f, separator) ? "\"" + f.Replace("\"", "\"\"") + "\"" : f);
        }
        writer.Write('\n');
    }

    private static bool NeedsQuotes(string field, char separator) =>
        field.Length > 0 && (field.AsSpan().IndexOfAny(separator, '"', '\n') >= 0 || field.Contains('\r') ||
                             char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]));
}

using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MLExtensions.Data;

/// <summary>
/// One pass over a CSV/TSV file (plain or gzipped): reads the header and the first rows to decide column types,
/// then hands out batches of rows. Memory is bounded by the batch size and the inference sample.
/// </summary>
internal sealed class TextFileCursor : IDisposable
{
    private enum Target { Skip, Float, Text, Slot }

    private readonly TextLoaderOptions _options;
    private readonly string _fileName;
    private readonly CsvRecordReader _records;
    private readonly string[] _names;
    private readonly Target[] _target;
    private readonly int[] _targetIndex;
    private readonly int _floatCount, _textCount, _slotCount;
    private readonly (string Name, Target Kind, int Index)[] _outputs;
    private readonly HashSet<string> _missing;
    private readonly Queue<(long Line, string[] Fields)> _sample = new();
    private readonly List<string> _fields = new();
    private bool _done;

    public TextFileCursor(string path, TextLoaderOptions? options)
    {
        _options = options ?? new TextLoaderOptions();
        if (_options.TypeInferenceRows < 1) throw new ArgumentOutOfRangeException(nameof(options), "TypeInferenceRows must be at least 1");
        var full = Path.GetFullPath(path);
        _fileName = Path.GetFileName(full);
        if (!File.Exists(full)) throw new FileNotFoundException($"data file not found: {full}", full);
        _missing = new HashSet<string>(_options.MissingValueTokens.Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase);
        _records = new CsvRecordReader(OpenText(full), _options.Separator ?? DefaultSeparator(_fileName), _options.AllowQuoting, _fileName);
        try
        {
            _names = ReadNames();
            CheckNamedColumns();
            FillSample();
            var numeric = InferNumeric();
            _target = new Target[_names.Length];
            _targetIndex = new int[_names.Length];
            var outputs = new List<(string, Target, int)>();
            bool featuresPlaced = false;
            for (int j = 0; j < _names.Length; j++)
            {
                var name = _names[j];
                if (_options.IgnoreColumns?.Contains(name) == true) { _target[j] = Target.Skip; continue; }
                if (numeric[j] && _options.GatherNumericFeatures && name != _options.LabelColumnName)
                {
                    _target[j] = Target.Slot;
                    _targetIndex[j] = _slotCount++;
                    if (!featuresPlaced) { outputs.Add((_options.FeaturesColumnName, Target.Slot, 0)); featuresPlaced = true; }
                }
                else if (numeric[j]) { _target[j] = Target.Float; _targetIndex[j] = _floatCount; outputs.Add((name, Target.Float, _floatCount++)); }
                else { _target[j] = Target.Text; _targetIndex[j] = _textCount; outputs.Add((name, Target.Text, _textCount++)); }
            }
            if (_options.GatherNumericFeatures && _slotCount == 0)
                throw new DataLoadException(_fileName, null, null,
                    $"GatherNumericFeatures is set but no column other than the label is numeric; columns: {string.Join(", ", _names)}");
            _outputs = outputs.ToArray();
            Schema = BuildSchema();
        }
        catch
        {
            _records.Dispose();
            throw;
        }
    }

    /// <summary>The columns every batch of this file has.</summary>
    public DataSchema Schema { get; }

    private static char DefaultSeparator(string fileName)
    {
        var name = fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^3] : fileName;
        return name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
    }

    private static TextReader OpenText(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Stream stream = file;
            Span<byte> magic = stackalloc byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) stream = new GZipStream(file, CompressionMode.Decompress);
            return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private string[] ReadNames()
    {
        if (_options.HasHeader)
        {
            if (!_records.Read(_fields)) throw new DataLoadException(_fileName, null, null, "the file is empty (a header line was expected)");
            var names = _fields.Select((f, i) => f.Trim().Length == 0 ? $"Column{i}" : f.Trim()).ToArray();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++)
                if (!seen.TryAdd(names[i], i))
                    throw new DataLoadException(_fileName, _records.RecordLine, names[i], $"the header names this column twice (fields {seen[names[i]] + 1} and {i + 1})");
            return names;
        }
        if (!_records.Read(_fields)) return _options.ColumnNames?.ToArray() ?? [];
        _sample.Enqueue((_records.RecordLine, _fields.ToArray()));
        var given = _options.ColumnNames;
        if (given != null && given.Count != _fields.Count)
            throw new DataLoadException(_fileName, _records.RecordLine, null, $"{_fields.Count} fields but {given.Count} ColumnNames were given");
        return given?.ToArray() ?? Enumerable.Range(0, _fields.Count).Select(i => $"Column{i}").ToArray();
    }

    private void CheckNamedColumns()
    {
        var known = new HashSet<string>(_names, StringComparer.Ordinal);
        void Check(string? name, string option)
        {
            if (name != null && !known.Contains(name))
                throw new DataLoadException(_fileName, null, name, $"{option} names this column but the file has no such column; columns: {string.Join(", ", _names)}");
        }
        Check(_options.LabelColumnName, nameof(TextLoaderOptions.LabelColumnName));
        foreach (var n in _options.TextColumns ?? []) Check(n, nameof(TextLoaderOptions.TextColumns));
        foreach (var n in _options.NumericColumns ?? []) Check(n, nameof(TextLoaderOptions.NumericColumns));
        foreach (var n in _options.IgnoreColumns ?? []) Check(n, nameof(TextLoaderOptions.IgnoreColumns));
        foreach (var n in _options.TextColumns ?? [])
            if (_options.NumericColumns?.Contains(n) == true)
                throw new ArgumentException($"column '{n}' is in both TextColumns and NumericColumns");
        if (_options.GatherNumericFeatures && known.Contains(_options.FeaturesColumnName))
            throw new DataLoadException(_fileName, null, _options.FeaturesColumnName,
                "the file already has a column named like the gathered features; set FeaturesColumnName to another name");
    }

    private void FillSample()
    {
        while (_sample.Count < _options.TypeInferenceRows && ReadRecord() is { } record) _sample.Enqueue(record);
    }

    private (long Line, string[] Fields)? ReadRecord()
    {
        if (_done) return null;
        if (!_records.Read(_fields)) { _done = true; return null; }
        if (_fields.Count != _names.Length)
            throw new DataLoadException(_fileName, _records.RecordLine, null,
                $"{_fields.Count} fields but the {(_options.HasHeader ? "header has" : "first line has")} {_names.Length}");
        return (_records.RecordLine, _fields.ToArray());
    }

    private bool[] InferNumeric()
    {
        var numeric = new bool[_names.Length];
        for (int j = 0; j < _names.Length; j++)
        {
            var name = _names[j];
            if (_options.TextColumns?.Contains(name) == true) continue;
            if (_options.NumericColumns?.Contains(name) == true) { numeric[j] = true; continue; }
            int numbers = 0, words = 0;
            foreach (var (_, fields) in _sample)
            {
                var cell = fields[j];
                if (IsMissing(cell)) continue;
                if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) numbers++;
                else words++;
            }
            numeric[j] = numbers > words;
        }
        return numeric;
    }

    private bool IsMissing(string cell) => _missing.Contains(cell.Trim());

    private DataSchema BuildSchema()
    {
        var slotNames = _names.Where((_, j) => _target[j] == Target.Slot).ToArray();
        return new DataSchema(_outputs.Select(o => o.Kind switch
        {
            Target.Slot => new ColumnSchema(o.Name, ColumnKind.FloatVector, slotNames.Length, slotNames),
            Target.Float => new ColumnSchema(o.Name, ColumnKind.Float),
            _ => new ColumnSchema(o.Name, ColumnKind.Text),
        }));
    }

    /// <summary>The next batch of at most <paramref name="maxRows"/> rows, or null at the end of the file.</summary>
    public DataBatch? Next(int maxRows)
    {
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "a batch has at least one row");
        var floats = new float[_floatCount][];
        for (int k = 0; k < _floatCount; k++) floats[k] = new float[maxRows];
        var texts = new string[_textCount][];
        for (int k = 0; k < _textCount; k++) texts[k] = new string[maxRows];
        var slots = new float[_slotCount * maxRows];
        int n = 0;
        while (n < maxRows)
        {
            var record = _sample.Count > 0 ? _sample.Dequeue() : ReadRecord();
            if (record is not { } r) break;
            if (ParseRow(r.Line, r.Fields, n, floats, texts, slots)) n++;
        }
        if (n == 0) return null;
        if (n < maxRows)
        {
            // The last batch keeps only what it holds: a small file does not pin a full-size buffer.
            for (int k = 0; k < _floatCount; k++) floats[k] = floats[k][..n];
            for (int k = 0; k < _textCount; k++) texts[k] = texts[k][..n];
            slots = slots[..(n * _slotCount)];
        }
        var columns = new DataColumn[_outputs.Length];
        var slotSchema = Schema.FirstOrDefault(c => c.Kind == ColumnKind.FloatVector);
        for (int o = 0; o < _outputs.Length; o++)
        {
            var (name, kind, index) = _outputs[o];
            columns[o] = kind switch
            {
                Target.Slot => new FloatVectorColumn(name, slots.AsMemory(0, n * _slotCount), _slotCount, slotSchema!.SlotNames),
                Target.Float => new FloatColumn(name, floats[index].AsMemory(0, n)),
                _ => new TextColumn(name, texts[index].AsMemory(0, n)),
            };
        }
        return new DataBatch(columns);
    }

    private bool ParseRow(long line, string[] fields, int row, float[][] floats, string[][] texts, float[] slots)
    {
        for (int j = 0; j < fields.Length; j++)
        {
            var target = _target[j];
            if (target == Target.Skip) continue;
            if (target == Target.Text) { texts[_targetIndex[j]][row] = fields[j]; continue; }
            var cell = fields[j];
            float value;
            if (IsMissing(cell) || (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsNaN(value)))
            {
                switch (_options.MissingValues)
                {
                    case MissingValuePolicy.SkipRow: return false;
                    case MissingValuePolicy.Error:
                        throw new DataLoadException(_fileName, line, _names[j],
                            $"missing value {Quote(cell)} (MissingValues is Error; use UseNaN or SkipRow to accept it)");
                }
                value = float.NaN;
            }
            else if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                throw new DataLoadException(_fileName, line, _names[j], $"{Quote(cell)} is not a number");
            if (target == Target.Float) floats[_targetIndex[j]][row] = value;
            else slots[row * _slotCount + _targetIndex[j]] = value;
        }
        return true;
    }

    private static string Quote(string cell) => cell.Length <= 40 ? $"'{cell}'" : $"'{cell[..37]}...'";

    public void Dispose() => _records.Dispose();
}

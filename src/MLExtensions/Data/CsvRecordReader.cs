using System.Text;

namespace MLExtensions.Data;

/// <summary>Splits a delimited text stream into records (RFC 4180 quoting), remembering the line each starts on.</summary>
internal sealed class CsvRecordReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly char _separator;
    private readonly bool _quoting;
    private readonly string _fileName;
    private readonly StringBuilder _field = new();
    private long _line;

    public CsvRecordReader(TextReader reader, char separator, bool quoting, string fileName)
    {
        _reader = reader;
        _separator = separator;
        _quoting = quoting;
        _fileName = fileName;
    }

    /// <summary>The 1-based line the last record started on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next non-blank record into <paramref name="fields"/>; false at the end of the input.</summary>
    public bool Read(List<string> fields)
    {
        fields.Clear();
        string? line;
        do
        {
            line = _reader.ReadLine();
            if (line is null) return false;
            _line++;
        } while (line.Length == 0 || (line.Length == 1 && line[0] == '\r'));
        RecordLine = _line;
        if (!_quoting || line.IndexOf('"') < 0)
        {
            Split(line, fields);
            return true;
        }
        ParseQuoted(line, fields);
        return true;
    }

    private void Split(string line, List<string> fields)
    {
        int start = 0;
        while (true)
        {
            int i = line.IndexOf(_separator, start);
            if (i < 0) { fields.Add(line.Substring(start)); return; }
            fields.Add(line.Substring(start, i - start));
            start = i + 1;
        }
    }

    private void ParseQuoted(string line, List<string> fields)
    {
        _field.Clear();
        int i = 0;
        bool inQuotes = false, wasQuoted = false;
        while (true)
        {
            if (i >= line.Length)
            {
                if (!inQuotes)
                {
                    fields.Add(_field.ToString());
                    return;
                }
                // A quoted field continues on the next line.
                var next = _reader.ReadLine() ?? throw new DataLoadException(_fileName, RecordLine, null,
                    "a quoted field opened here is not closed before the end of the file");
                _line++;
                _field.Append('\n');
                line = next;
                i = 0;
                continue;
            }
            char c = line[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { _field.Append('"'); i += 2; continue; }
                    inQuotes = false;
                }
                else _field.Append(c);
                i++;
                continue;
            }
            if (c == _separator)
            {
                fields.Add(_field.ToString());
                _field.Clear();
                wasQuoted = false;
            }
            else if (c == '"' && _field.Length == 0 && !wasQuoted)
            {
                inQuotes = true;
                wasQuoted = true;
            }
            else _field.Append(c);
            i++;
        }
    }

    public void Dispose() => _reader.Dispose();
}

namespace MLExtensions.Data;

/// <summary>Loaders, writers and splitters for <see cref="DataBatch"/>; reached through <see cref="MLExtContext.Data"/>.</summary>
public sealed class DataCatalog
{
    private readonly MLExtContext _context;

    internal DataCatalog(MLExtContext context) => _context = context;

    /// <summary>
    /// Loads objects into a batch: one column per public property (renamed by [ColumnName], sized by [VectorType],
    /// skipped by [NoColumn]). float, double and bool become Float; int and long become Key; string becomes Text
    /// (ImagePath with [ImagePath]); float[] and double[] become FloatVector.
    /// </summary>
    public DataBatch LoadFromEnumerable<T>(IEnumerable<T> items) => PocoMapper.ToBatch(items);

    /// <summary>One object per row, each settable property filled from the column of its name.</summary>
    public IEnumerable<T> CreateEnumerable<T>(DataBatch batch) where T : new() => PocoMapper.FromBatch<T>(batch);

    /// <summary>Loads a whole CSV/TSV file (plain or gzipped) with a header.</summary>
    /// <exception cref="DataLoadException">A cell or line is malformed; the message names file, line and column.</exception>
    public DataBatch LoadFromTextFile(string path, TextLoaderOptions? options = null)
    {
        using var cursor = new TextFileCursor(path, options);
        var parts = new List<DataBatch>();
        while (cursor.Next(8192) is { } batch) parts.Add(batch);
        return parts.Count > 0 ? DataBatch.Concat(parts) : EmptyBatch(cursor.Schema);
    }

    /// <summary>
    /// Streams a CSV/TSV file in batches of <paramref name="batchSize"/> rows: memory stays constant whatever the file
    /// size. Each enumeration reads the file again from the start.
    /// </summary>
    public IEnumerable<DataBatch> ReadTextFile(string path, int batchSize, TextLoaderOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"data file not found: {full}", full);
        return Stream(full, batchSize, options);

        static IEnumerable<DataBatch> Stream(string path, int batchSize, TextLoaderOptions? options)
        {
            using var cursor = new TextFileCursor(path, options);
            while (cursor.Next(batchSize) is { } batch) yield return batch;
        }
    }

    /// <summary>The columns <see cref="LoadFromTextFile"/> would produce, reading only the first rows.</summary>
    public DataSchema InferTextFileSchema(string path, TextLoaderOptions? options = null)
    {
        using var cursor = new TextFileCursor(path, options);
        return cursor.Schema;
    }

    /// <summary>
    /// Lists a folder with one sub-folder per class: columns ImagePath (full paths) and Label (a key column whose key
    /// names are the folder names), sorted by class then file name.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder has no class sub-folders or no images.</exception>
    public DataBatch LoadFromImageFolder(string folder, ImageFolderOptions? options = null) =>
        ImageFolderLoader.Load(folder, options, message => _context.WriteLog(MessageSeverity.Warning, "ImageFolder", message));

    /// <summary>Writes a batch to a CSV file (see <see cref="CsvDataWriter"/>).</summary>
    public void SaveAsCsv(DataBatch batch, string path, char separator = ',') => CsvDataWriter.Write(path, [batch], separator);

    /// <summary>Writes a stream of batches (for example a streaming scorer's output) to one CSV file.</summary>
    public void SaveAsCsv(IEnumerable<DataBatch> batches, string path, char separator = ',') => CsvDataWriter.Write(path, batches, separator);

    /// <summary>Shuffles the rows with the context's generator and splits off <paramref name="testFraction"/> of them.</summary>
    public (DataBatch Train, DataBatch Test) TrainTestSplit(DataBatch batch, double testFraction = 0.2)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "the test fraction lies in (0, 1)");
        var shuffled = batch.Shuffle(_context.Random);
        int test = (int)Math.Round(batch.RowCount * testFraction);
        return (shuffled.Slice(test, batch.RowCount - test), shuffled.Slice(0, test));
    }

    internal static DataBatch EmptyBatch(DataSchema schema) => new(schema.Select(c => (DataColumn)(c.Kind switch
    {
        ColumnKind.Float => new FloatColumn(c.Name, Array.Empty<float>()),
        ColumnKind.FloatVector => new FloatVectorColumn(c.Name, Array.Empty<float>(), c.VectorSize, c.SlotNames),
        ColumnKind.Key => new KeyColumn(c.Name, Array.Empty<long>(), c.KeyNames),
        ColumnKind.ImagePath => new ImagePathColumn(c.Name, Array.Empty<string>()),
        _ => new TextColumn(c.Name, Array.Empty<string>()),
    })));
}

using System.IO.Compression;
using MLExtensions.Data;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class TextLoaderTests
{
    private static readonly TextLoaderOptions DigitsOptions = new() { LabelColumnName = "label", GatherNumericFeatures = true };

    private static string[] DigitsLines()
    {
        using var gz = new GZipStream(File.OpenRead(TestData.DigitsPath), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [TestMethod]
    public void Digits_load_with_gathered_features()
    {
        var data = new MLExtContext(seed: 1).Data.LoadFromTextFile(TestData.DigitsPath, DigitsOptions);

        Assert.AreEqual(1797, data.RowCount);
        Assert.AreEqual(2, data.Columns.Count);
        Assert.AreEqual("label: Float, Features: FloatVector[64]", data.Schema.ToString());
        var features = data.GetColumn<FloatVectorColumn>("Features");
        Assert.AreEqual(64, features.Size);
        CollectionAssert.AreEqual(Enumerable.Range(0, 64).Select(i => $"p{i}").ToArray(), features.SlotNames!.ToArray());
        CollectionAssert.AreEqual(TestData.DigitsRow0, features.GetRow(0).ToArray());
        var label = data.GetColumn<FloatColumn>("label");
        Assert.AreEqual(0f, label[0]);
        Assert.AreEqual(1f, label[1]);
        Assert.AreEqual(10, LabelMap.FromColumn(label).Count);
    }

    [TestMethod]
    public void Digits_load_without_gathering_keeps_every_column()
    {
        var schema = new MLExtContext().Data.InferTextFileSchema(TestData.DigitsPath);
        Assert.AreEqual(65, schema.Count);
        Assert.IsTrue(schema.All(c => c.Kind == ColumnKind.Float));
        Assert.AreEqual("p63", schema[64].Name);
    }

    [TestMethod]
    public void Bad_cell_error_names_file_line_and_column()
    {
        using var tmp = TestData.NewFolder();
        var lines = DigitsLines();
        var cells = lines[16].Split(','); // lines[0] is the header (line 1), so lines[16] is line 17
        cells[4] = "abc"; // field 4 is p3 (field 0 is the label)
        lines[16] = string.Join(',', cells);
        var path = tmp.File("digits.csv");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");

        var e = Assert.ThrowsExactly<DataLoadException>(() => new MLExtContext().Data.LoadFromTextFile(path, DigitsOptions));
        Assert.AreEqual("digits.csv line 17, column 'p3': 'abc' is not a number", e.Message);
        Assert.AreEqual(17L, e.LineNumber);
        Assert.AreEqual("p3", e.ColumnName);
    }

    [TestMethod]
    public void Streaming_reads_constant_size_batches_matching_the_full_load()
    {
        var ctx = new MLExtContext();
        var full = ctx.Data.LoadFromTextFile(TestData.DigitsPath, DigitsOptions);
        var sizes = new List<int>();
        var parts = new List<DataBatch>();
        foreach (var batch in ctx.Data.ReadTextFile(TestData.DigitsPath, 500, DigitsOptions))
        {
            sizes.Add(batch.RowCount);
            parts.Add(batch);
        }
        CollectionAssert.AreEqual(new[] { 500, 500, 500, 297 }, sizes);
        var joined = DataBatch.Concat(parts);
        CollectionAssert.AreEqual(full.GetColumn<FloatVectorColumn>("Features").Values.ToArray(), joined.GetColumn<FloatVectorColumn>("Features").Values.ToArray());
        CollectionAssert.AreEqual(full.GetColumn<FloatColumn>("label").Values.ToArray(), joined.GetColumn<FloatColumn>("label").Values.ToArray());
        // Enumerating again reads the file again.
        Assert.AreEqual(1797, ctx.Data.ReadTextFile(TestData.DigitsPath, 1000, DigitsOptions).Sum(b => b.RowCount));
    }

    [TestMethod]
    public void Streaming_a_missing_file_fails_at_the_call()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => new MLExtContext().Data.ReadTextFile("/nonexistent/x.csv", 10));
        StringAssert.Contains(e.Message, "/nonexistent/x.csv");
    }

    private static string Write(TempFolder tmp, string name, string text)
    {
        var path = tmp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [TestMethod]
    public void Missing_values_follow_the_policy()
    {
        using var tmp = TestData.NewFolder();
        var path = Write(tmp, "m.csv", "a,b\n1,2\n3,\n5,NA\n7,8\n");
        var ctx = new MLExtContext();

        var nan = ctx.Data.LoadFromTextFile(path);
        var b = nan.GetColumn<FloatColumn>("b");
        Assert.AreEqual(4, nan.RowCount);
        Assert.IsTrue(float.IsNaN(b[1]) && float.IsNaN(b[2]));

        var skip = ctx.Data.LoadFromTextFile(path, new TextLoaderOptions { MissingValues = MissingValuePolicy.SkipRow });
        CollectionAssert.AreEqual(new[] { 1f, 7f }, skip.GetColumn<FloatColumn>("a").Values.ToArray());

        var e = Assert.ThrowsExactly<DataLoadException>(() => ctx.Data.LoadFromTextFile(path, new TextLoaderOptions { MissingValues = MissingValuePolicy.Error }));
        StringAssert.StartsWith(e.Message, "m.csv line 3, column 'b': missing value ''");
    }

    [TestMethod]
    public void Quoted_fields_text_columns_and_line_numbers()
    {
        using var tmp = TestData.NewFolder();
        var path = Write(tmp, "q.csv", "name,score\n\"Smith, J\",1.5\n\"two\nlines\",2\n\"say \"\"hi\"\"\",3\nplain,x\n");
        var e = Assert.ThrowsExactly<DataLoadException>(() => new MLExtContext().Data.LoadFromTextFile(path));
        Assert.AreEqual(6L, e.LineNumber); // the quoted line break moves the bad row to line 6

        var ok = Write(tmp, "ok.csv", "name,score\n\"Smith, J\",1.5\n\"two\nlines\",2\n\"say \"\"hi\"\"\",3\n");
        var data = new MLExtContext().Data.LoadFromTextFile(ok);
        var names = data.GetColumn<TextColumn>("name");
        CollectionAssert.AreEqual(new[] { "Smith, J", "two\nlines", "say \"hi\"" }, names.Values.ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, 2f, 3f }, data.GetColumn<FloatColumn>("score").Values.ToArray());
    }

    [TestMethod]
    public void Ragged_line_and_unknown_label_are_reported()
    {
        using var tmp = TestData.NewFolder();
        var path = Write(tmp, "r.csv", "a,b\n1,2\n3\n");
        var e = Assert.ThrowsExactly<DataLoadException>(() => new MLExtContext().Data.LoadFromTextFile(path));
        Assert.AreEqual("r.csv line 3: 1 fields but the header has 2", e.Message);

        var e2 = Assert.ThrowsExactly<DataLoadException>(() => new MLExtContext().Data.LoadFromTextFile(path, new TextLoaderOptions { LabelColumnName = "Label" }));
        StringAssert.Contains(e2.Message, "column 'Label'");
        StringAssert.Contains(e2.Message, "columns: a, b");
    }

    [TestMethod]
    public void Tsv_headerless_with_forced_text()
    {
        using var tmp = TestData.NewFolder();
        var path = Write(tmp, "triples.tsv", "10\tlikes\t20\n11\tknows\t21\n");
        var data = new MLExtContext().Data.LoadFromTextFile(path, new TextLoaderOptions
        {
            HasHeader = false, ColumnNames = ["head", "relation", "tail"], TextColumns = ["head", "tail"],
        });
        Assert.AreEqual("head: Text, relation: Text, tail: Text", data.Schema.ToString());
        Assert.AreEqual("21", data.GetColumn<TextColumn>("tail")[1]);
    }

    [TestMethod]
    public void Csv_writer_round_trips_through_the_loader()
    {
        using var tmp = TestData.NewFolder();
        var ctx = new MLExtContext();
        var data = ctx.Data.LoadFromTextFile(TestData.DigitsPath, DigitsOptions).Slice(0, 50)
            .Append(new TextColumn("note", Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? "a, \"b\"" : "").ToArray()));
        var path = tmp.File("out.csv");
        ctx.Data.SaveAsCsv(data.Batches(7), path);
        var back = ctx.Data.LoadFromTextFile(path, DigitsOptions);
        Assert.AreEqual(data.Schema.ToString(), back.Schema.ToString());
        CollectionAssert.AreEqual(data.GetColumn<FloatVectorColumn>("Features").Values.ToArray(), back.GetColumn<FloatVectorColumn>("Features").Values.ToArray());
        CollectionAssert.AreEqual(data.GetColumn<TextColumn>("note").Values.ToArray(), back.GetColumn<TextColumn>("note").Values.ToArray());
    }
}

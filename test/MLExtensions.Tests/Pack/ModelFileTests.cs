using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class ModelFileTests
{
    private sealed record SampleOptions(string FeatureColumnName, int HiddenSize, double LearningRate, ColumnKind Kind);

    private static ModelManifest Manifest(string component = "Test.Sample")
    {
        var m = new ModelManifest(component, componentVersion: 1)
        {
            ParameterCount = 15,
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            InputSchema = new DataSchema([new ColumnSchema("Features", ColumnKind.FloatVector, 4, ["a", "b", "c", "d"])]),
            OutputSchema = new DataSchema([new ColumnSchema("Score", ColumnKind.Float), new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: ["no", "yes"])]),
        };
        m.SetOptions(new SampleOptions("Features", 3, 0.01, ColumnKind.FloatVector));
        m.SetLabelMap(new LabelMap(["no", "yes"]));
        m.Maps["entities"] = ["e0", "e1", "e2"];
        m.Metrics["accuracy"] = 0.975;
        m.Metrics["loss"] = double.NaN;
        m.Extra["temperature"] = 1.5;
        return m;
    }

    private static Dictionary<string, Tensor> Weights()
    {
        torch.ManualSeed(3);
        return new Dictionary<string, Tensor> { ["layer.weight"] = torch.Randn([3, 4]), ["layer.bias"] = torch.Randn([3]), ["ids"] = Tensor.From(new long[] { 4, 5 }) };
    }

    [TestMethod]
    public void Round_trip_keeps_manifest_and_weights()
    {
        using var tmp = TestData.NewFolder();
        var path = tmp.File("model.zip");
        var weights = Weights();
        ModelFile.Save(path, Manifest(), weights);

        using var loaded = ModelFile.Read(path);
        var m = loaded.Manifest;
        Assert.AreEqual(1, m.FormatVersion);
        Assert.AreEqual("Test.Sample", m.Component);
        Assert.AreEqual(1, m.ComponentVersion);
        Assert.AreEqual(15L, m.ParameterCount);
        Assert.AreEqual(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), m.CreatedAt);
        Assert.AreEqual(new SampleOptions("Features", 3, 0.01, ColumnKind.FloatVector), m.GetOptions<SampleOptions>());
        Assert.AreEqual("FloatVector", m.Options["Kind"]!.GetValue<string>());
        CollectionAssert.AreEqual(new[] { "no", "yes" }, m.GetLabelMap().Labels.ToArray());
        CollectionAssert.AreEqual(new[] { "e0", "e1", "e2" }, m.GetMap("entities").ToArray());
        Assert.AreEqual(0.975, m.Metrics["accuracy"]);
        Assert.IsTrue(double.IsNaN(m.Metrics["loss"]));
        Assert.AreEqual(1.5, m.Extra["temperature"]!.GetValue<double>());
        Assert.AreEqual("Features: FloatVector[4]", m.InputSchema!.ToString());
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d" }, m.InputSchema["Features"].SlotNames!.ToArray());
        Assert.AreEqual("Score: Float, PredictedLabel: Key[2]", m.OutputSchema!.ToString());

        Assert.AreEqual(3, loaded.Weights.Count);
        foreach (var (name, t) in weights)
        {
            var back = loaded.GetWeight(name);
            CollectionAssert.AreEqual(t.Shape, back.Shape);
            CollectionAssert.AreEqual(t.ToBytes(), back.ToBytes(), name);
        }
        Assert.AreEqual("Test.Sample", loaded.WeightsMetadata["mlext.component"]);

        using (var zip = ZipFile.OpenRead(path))
            CollectionAssert.AreEqual(new[] { "model.json", "weights.safetensors" }, zip.Entries.Select(e => e.FullName).ToArray());
        Assert.AreEqual(0, Directory.GetFiles(tmp.Path, "*.tmp").Length);
    }

    [TestMethod]
    public void Module_state_dict_round_trips_into_a_new_module()
    {
        using var tmp = TestData.NewFolder();
        var path = tmp.File("linear.zip");
        using var source = new Linear(4, 2);
        ModelFile.Save(path, new ModelManifest("Test.Linear") { ParameterCount = source.ParameterCount() }, source.StateDict());

        using var target = new Linear(4, 2);
        using (var loaded = ModelFile.Read(path))
            target.LoadStateDict(loaded.Weights);
        CollectionAssert.AreEqual(source.Weight.ToArray<float>(), target.Weight.ToArray<float>());
        CollectionAssert.AreEqual(source.Bias!.ToArray<float>(), target.Bias!.ToArray<float>());
    }

    [TestMethod]
    public void Info_summarises_without_loading_weights()
    {
        using var tmp = TestData.NewFolder();
        var path = tmp.File("model.zip");
        ModelFile.Save(path, Manifest("Test.Unregistered"), Weights());
        var info = ModelFile.ReadInfo(path);
        Assert.AreEqual("Test.Unregistered", info.Component);
        Assert.AreEqual(15L, info.ParameterCount);
        Assert.IsFalse(info.IsComponentKnown);
        Assert.AreEqual(3, info.Options["HiddenSize"]!.GetValue<int>());
        Assert.IsTrue(info.WeightsBytes > 4 * 15);
        var text = info.ToString();
        StringAssert.Contains(text, "Test.Unregistered (version 1) — not known to this build");
        StringAssert.Contains(text, "Maps:       entities (3), labels (2)");
        StringAssert.Contains(text, "accuracy = 0.975");
    }

    [TestMethod]
    public void Load_dispatches_to_the_registered_component()
    {
        ModelComponentRegistry.Register(RowSumModel.ComponentName, 2, RowSumModel.Load);
        using var tmp = TestData.NewFolder();
        var path = tmp.File("rowsum.zip");
        using (var model = new RowSumModel(Tensor.From(new float[] { 1, 2, 3 }))) model.Save(path);

        using var loaded = ModelFile.Load<RowSumModel>(path);
        var batch = new DataBatch(new FloatVectorColumn("Features", new float[] { 1, 1, 1, 0, 0, 2 }, 3));
        var scored = loaded.Transform(batch);
        CollectionAssert.AreEqual(new float[] { 6, 6 }, scored.GetColumn<FloatColumn>("Score").Values.ToArray());
        CollectionAssert.Contains(ModelComponentRegistry.KnownComponents.ToArray(), RowSumModel.ComponentName);
    }

    // ---- refusals -----------------------------------------------------------------------------

    private static string SaveSample(TempFolder tmp, string name = "model.zip")
    {
        var path = tmp.File(name);
        ModelFile.Save(path, Manifest(), Weights());
        return path;
    }

    /// <summary>Rewrites the zip at <paramref name="path"/> with model.json changed by <paramref name="edit"/>.</summary>
    private static void EditManifest(string path, Action<JsonObject> edit)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var zip = ZipFile.OpenRead(path))
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                entries.Add((e.FullName, ms.ToArray()));
            }
        File.Delete(path);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            var bytes = data;
            if (name == "model.json")
            {
                var json = JsonNode.Parse(data)!.AsObject();
                edit(json);
                bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
            }
            using var s = output.CreateEntry(name).Open();
            s.Write(bytes);
        }
    }

    private static void WriteZip(string path, params (string Name, byte[] Data)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(data);
        }
    }

    private static ModelFileException LoadFails(string path, ModelFileLimits? limits = null)
    {
        var e = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(path, limits: limits).Dispose());
        Assert.AreEqual(Path.GetFullPath(path), e.FilePath);
        return e;
    }

    [TestMethod]
    public void Unknown_component_is_refused_with_the_known_list()
    {
        ModelComponentRegistry.Register(RowSumModel.ComponentName, 2, RowSumModel.Load);
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        EditManifest(path, j => j["component"] = "Mystery");
        var e = LoadFails(path);
        StringAssert.StartsWith(e.Message, "model.zip: component 'Mystery' is not known; known: ");
        StringAssert.Contains(e.Message, RowSumModel.ComponentName);
    }

    [TestMethod]
    public void Newer_format_or_component_version_is_refused()
    {
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        EditManifest(path, j => j["formatVersion"] = 3);
        var e = LoadFails(path);
        StringAssert.StartsWith(e.Message, "model.zip was written by a newer MLExtensions (format 3); this build reads format ≤ 1");
        Assert.ThrowsExactly<ModelFileException>(() => ModelFile.ReadInfo(path));

        ModelComponentRegistry.Register(RowSumModel.ComponentName, 2, RowSumModel.Load);
        var path2 = tmp.File("rowsum.zip");
        using (var model = new RowSumModel(Tensor.From(new float[] { 1 }))) model.Save(path2);
        EditManifest(path2, j => j["componentVersion"] = 7);
        var e2 = LoadFails(path2);
        StringAssert.Contains(e2.Message, $"{RowSumModel.ComponentName} of version 7");
        StringAssert.Contains(e2.Message, "versions ≤ 2");
    }

    [TestMethod]
    public void Malformed_manifest_fields_are_named()
    {
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        EditManifest(path, j => j.Remove("component"));
        Assert.AreEqual("model.json in model.zip: 'component' is missing", LoadFails(path).Message);

        var path2 = SaveSample(tmp, "b.zip");
        EditManifest(path2, j => j["inputSchema"]![0]!["kind"] = "Tensor");
        StringAssert.StartsWith(LoadFails(path2).Message, "model.json in b.zip: 'inputSchema[0].kind' 'Tensor' is not one of");

        var path3 = tmp.File("c.zip");
        WriteZip(path3, ("model.json", "{ not json"u8.ToArray()));
        StringAssert.StartsWith(LoadFails(path3).Message, "model.json in c.zip is not valid JSON");
    }

    [TestMethod]
    public void Truncated_zip_is_refused_naming_the_file()
    {
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        var bytes = File.ReadAllBytes(path);
        var cut = tmp.File("cut.zip");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var e = LoadFails(cut);
        StringAssert.StartsWith(e.Message, "cut.zip is not a readable model file: the zip is truncated or damaged");

        var empty = tmp.File("empty.zip");
        File.WriteAllBytes(empty, []);
        StringAssert.StartsWith(LoadFails(empty).Message, "empty.zip is not a readable model file");
    }

    [TestMethod]
    public void Corrupted_weight_bytes_are_refused()
    {
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        var bytes = File.ReadAllBytes(path);
        // The end-of-central-directory record is the last 22 bytes; its offset field says where the central
        // directory starts, which is right after the last entry's data (the stored weights).
        int centralDirectory = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 22 + 16));
        bytes[centralDirectory - 1] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Read(path).Dispose());
        Assert.AreEqual("weights.safetensors in model.zip is damaged: its CRC-32 does not match (the bytes were altered)", e.Message);
    }

    [TestMethod]
    public void Path_traversal_and_unexpected_entries_are_refused()
    {
        using var tmp = TestData.NewFolder();
        var json = Encoding.UTF8.GetBytes("{}");
        var evil = tmp.File("evil.zip");
        WriteZip(evil, ("model.json", json), ("../../outside.txt", "x"u8.ToArray()));
        Assert.AreEqual("evil.zip contains an entry with an unsafe path '../../outside.txt'; a model file holds only model.json and weights.safetensors",
            LoadFails(evil).Message);

        var nested = tmp.File("nested.zip");
        WriteZip(nested, ("sub/model.json", json));
        StringAssert.Contains(LoadFails(nested).Message, "unsafe path 'sub/model.json'");

        var extra = tmp.File("extra.zip");
        WriteZip(extra, ("model.json", json), ("notes.txt", json));
        StringAssert.StartsWith(LoadFails(extra).Message, "extra.zip contains an unexpected entry 'notes.txt'");

        var none = tmp.File("none.zip");
        WriteZip(none, ("weights.safetensors", json));
        StringAssert.StartsWith(LoadFails(none).Message, "none.zip has no model.json");

        var many = tmp.File("many.zip");
        WriteZip(many, Enumerable.Range(0, 20).Select(i => ($"f{i}", json)).ToArray());
        StringAssert.StartsWith(LoadFails(many).Message, "many.zip has 20 zip entries; a model file has at most 8");
    }

    [TestMethod]
    public void Zip_bomb_is_refused_by_the_size_limits()
    {
        using var tmp = TestData.NewFolder();
        var bomb = tmp.File("bomb.zip");
        var padded = Encoding.UTF8.GetBytes("{\"formatVersion\":1" + new string(' ', 4 << 20) + "}");
        WriteZip(bomb, ("model.json", padded));
        Assert.IsTrue(new FileInfo(bomb).Length < 64 << 10, "the test zip is small on disk");
        var e = LoadFails(bomb, new ModelFileLimits { MaxManifestBytes = 1 << 20 });
        Assert.AreEqual($"model.json in bomb.zip is {padded.Length:N0} bytes uncompressed; the limit is {1 << 20:N0} (ModelFileLimits)", e.Message);
    }

    [TestMethod]
    public void Interrupted_save_leaves_the_original_byte_identical()
    {
        using var tmp = TestData.NewFolder();
        var path = SaveSample(tmp);
        var before = File.ReadAllBytes(path);

        var e = Assert.ThrowsExactly<IOException>(() => ModelFile.Save(path, Manifest(), s =>
        {
            s.Write(new byte[4096]);
            s.Flush();
            throw new IOException("disk full");
        }));
        Assert.AreEqual("disk full", e.Message);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(tmp.Path).Select(Path.GetFileName).ToArray());

        // A successful save replaces the file.
        var m = Manifest();
        m.Metrics["accuracy"] = 0.5;
        ModelFile.Save(path, m, Weights());
        Assert.AreEqual(0.5, ModelFile.ReadInfo(path).Metrics["accuracy"]);
    }

    [TestMethod]
    public void Missing_model_file_names_the_path()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ModelFile.Load("/no/such/model.zip"));
        StringAssert.Contains(e.Message, "/no/such/model.zip");
    }
}
